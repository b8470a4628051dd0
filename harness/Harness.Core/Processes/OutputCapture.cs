using System.Text;
using Harness.Core.Model;

namespace Harness.Core.Processes;

/// <summary>
/// Reads a process's output as it comes (so a batch's progress can be seen while it runs) and keeps its text, capped:
/// past its limit (characters) only the first and the last half of it are kept, joined by a
/// <c>… N bytes elided …</c> line, so a test that prints 50 MB costs a few MB of memory and of every results file,
/// not 50 MB in each. Counts the lines that start with a given prefix (over all of the output, elided or not), and
/// when asked hands each line on as it arrives (elided or not: what is streamed is never capped).
/// </summary>
internal sealed class OutputCapture
{
    private readonly StringBuilder _head = new();
    private readonly int _headLimit;
    private readonly int _tailCapacity;
    private readonly string? _linePrefix;
    private readonly Lock _lock = new();
    private readonly Action<string>? _onLine;

    /// <summary>With <see cref="_onLine"/>: the start of a line whose end has not arrived yet.</summary>
    private readonly StringBuilder _partialLine = new();

    /// <summary>The last characters, a ring allocated once the head is full: <see cref="_tailCount"/> of them from <see cref="_tailStart"/>.</summary>
    private char[] _tail = [];
    private int _tailStart;
    private int _tailCount;
    private long _elidedBytes;
    private int _matched;
    private bool _matching = true;
    private int _markedLines;

    /// <summary>1 MiB per stream: a test printing 50 MB must not cost 50 MB of memory and of every results file.</summary>
    public const int DefaultLimit = 1 << 20;

    /// <param name="limit">Characters kept at most (head and tail); 0 or less keeps everything.</param>
    /// <param name="onLine">Receives each line (without its line feed) as soon as it is complete, and a last line without
    /// one at the end; called from the reading task, one line at a time. Null costs nothing.</param>
    public OutputCapture(TextReader reader, string? linePrefix = null, int limit = DefaultLimit, Action<string>? onLine = null)
    {
        _linePrefix = linePrefix;
        _onLine = onLine;
        _headLimit = limit > 0 ? limit / 2 : int.MaxValue;
        _tailCapacity = limit > 0 ? limit - _headLimit : 0;
        Completion = Task.Run(() => Pump(reader));
    }

    /// <summary>The line callback of one stream of a process whose lines go to <paramref name="lines"/>, if any do.</summary>
    public static Action<string>? Lines(Action<OutputStream, string>? lines, OutputStream stream) =>
        lines is null ? null : line => lines(stream, line);

    /// <summary>Finishes when the writers closed the pipe (or reading failed: the text so far stands).</summary>
    public Task Completion { get; }

    public int MarkedLines => Volatile.Read(ref _markedLines);

    /// <summary>UTF-8 bytes of output left out of <see cref="Text"/>.</summary>
    public long ElidedBytes
    {
        get
        {
            lock (_lock)
            {
                return _elidedBytes;
            }
        }
    }

    public string Text
    {
        get
        {
            lock (_lock)
            {
                if (_tailCount == 0 && _elidedBytes == 0)
                {
                    return _head.ToString();
                }
                var text = new StringBuilder(_head.Length + _tailCount + 48).Append(_head);
                if (_elidedBytes > 0)
                {
                    text.Append(text.Length > 0 && text[^1] != '\n' ? "\n" : "")
                        .Append(System.Globalization.CultureInfo.InvariantCulture, $"… {_elidedBytes} bytes elided …\n");
                }
                var first = Math.Min(_tailCount, _tail.Length - _tailStart);
                return text.Append(_tail, _tailStart, first).Append(_tail, 0, _tailCount - first).ToString();
            }
        }
    }

    private async Task Pump(TextReader reader)
    {
        var buffer = new char[8192];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory()).ConfigureAwait(false)) > 0)
            {
                lock (_lock)
                {
                    Append(buffer.AsSpan(0, read));
                    CountMarkedLines(buffer.AsSpan(0, read));
                }
                if (_onLine is not null)
                {
                    SplitLines(buffer.AsSpan(0, read), _onLine);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        if (_onLine is not null && _partialLine.Length > 0)
        {
            _onLine(_partialLine.ToString());
            _partialLine.Clear();
        }
    }

    /// <summary>Hands on every line <paramref name="chunk"/> completes; keeps the unfinished rest for the next chunk.</summary>
    private void SplitLines(ReadOnlySpan<char> chunk, Action<string> onLine)
    {
        int end;
        while ((end = chunk.IndexOf('\n')) >= 0)
        {
            var line = _partialLine.Length > 0 ? _partialLine.Append(chunk[..end]).ToString() : chunk[..end].ToString();
            _partialLine.Clear();
            onLine(line.EndsWith('\r') ? line[..^1] : line);
            chunk = chunk[(end + 1)..];
        }
        _partialLine.Append(chunk);
    }

    /// <summary>The head fills first; the rest goes through a ring of the last characters, what falls out of it is counted.</summary>
    private void Append(ReadOnlySpan<char> chunk)
    {
        var toHead = Math.Min(chunk.Length, _headLimit - _head.Length);
        if (toHead > 0 && toHead < chunk.Length && char.IsHighSurrogate(chunk[toHead - 1]))
        {
            toHead--; // never split a surrogate pair: a lone half is not text JSON or XML can carry
        }
        if (toHead > 0)
        {
            _head.Append(chunk[..toHead]);
            chunk = chunk[toHead..];
        }
        if (chunk.IsEmpty)
        {
            return;
        }
        if (_tailCapacity == 0)
        {
            _elidedBytes += Encoding.UTF8.GetByteCount(chunk);
            return;
        }
        if (chunk.Length > _tailCapacity)
        {
            _elidedBytes += Encoding.UTF8.GetByteCount(chunk[..^_tailCapacity]);
            chunk = chunk[^_tailCapacity..];
        }
        if (_tail.Length == 0)
        {
            _tail = new char[_tailCapacity];
        }
        var overflow = _tailCount + chunk.Length - _tailCapacity;
        if (overflow > 0)
        {
            var first = Math.Min(overflow, _tail.Length - _tailStart);
            _elidedBytes += Encoding.UTF8.GetByteCount(_tail.AsSpan(_tailStart, first)) + Encoding.UTF8.GetByteCount(_tail.AsSpan(0, overflow - first));
            _tailStart = (_tailStart + overflow) % _tail.Length;
            _tailCount -= overflow;
        }
        var end = (_tailStart + _tailCount) % _tail.Length;
        var part = Math.Min(chunk.Length, _tail.Length - end);
        chunk[..part].CopyTo(_tail.AsSpan(end));
        chunk[part..].CopyTo(_tail);
        _tailCount += chunk.Length;
    }

    /// <summary>Advances the line-start match over new text, so a chunk boundary inside a marker is no problem.</summary>
    private void CountMarkedLines(ReadOnlySpan<char> chunk)
    {
        if (_linePrefix is null)
        {
            return;
        }
        foreach (var c in chunk)
        {
            if (c == '\n')
            {
                _matched = 0;
                _matching = true;
            }
            else if (_matching)
            {
                _matching = c == _linePrefix[_matched];
                if (_matching && ++_matched == _linePrefix.Length)
                {
                    Interlocked.Increment(ref _markedLines);
                    _matching = false;
                }
            }
        }
    }
}
