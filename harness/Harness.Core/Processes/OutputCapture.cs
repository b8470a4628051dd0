using System.Text;

namespace Harness.Core.Processes;

/// <summary>
/// Reads a process's output as it comes (so a batch's progress can be seen while it runs) and keeps the whole text.
/// Counts the lines that start with a given prefix.
/// </summary>
internal sealed class OutputCapture
{
    private readonly StringBuilder _text = new();
    private readonly string? _linePrefix;
    private readonly Lock _lock = new();
    private int _matched;
    private bool _matching = true;
    private int _markedLines;

    public OutputCapture(TextReader reader, string? linePrefix = null)
    {
        _linePrefix = linePrefix;
        Completion = Task.Run(() => Pump(reader));
    }

    /// <summary>Finishes when the writers closed the pipe (or reading failed: the text so far stands).</summary>
    public Task Completion { get; }

    public int MarkedLines => Volatile.Read(ref _markedLines);

    public string Text
    {
        get
        {
            lock (_lock)
            {
                return _text.ToString();
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
                    _text.Append(buffer, 0, read);
                    CountMarkedLines(buffer.AsSpan(0, read));
                }
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
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
