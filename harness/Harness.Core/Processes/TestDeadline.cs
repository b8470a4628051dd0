using System.Text;
using Harness.Core.Model;

namespace Harness.Core.Processes;

/// <summary>How a process that runs several tests shows that it started the next one.</summary>
internal abstract record BatchProgress
{
    /// <summary>Lines of its stdout that start with <paramref name="Prefix"/> (GoogleTest's <c>[ RUN      ]</c>).</summary>
    public sealed record OutputLines(string Prefix) : BatchProgress;

    /// <summary>Occurrences of <paramref name="Marker"/> in a report file it writes as it goes (Catch2's XML <c>&lt;TestCase </c>).</summary>
    public sealed record ReportFile(string Path, string Marker) : BatchProgress;
}

/// <summary>
/// The per-test timeout of one process. A batch (GoogleTest, Catch2) gets the whole timeout for each of its tests:
/// the clock restarts whenever the process shows it started its next test, so a hang is caught one timeout after
/// the hanging test began, however many tests ran before it. <see cref="Expired"/> is cancelled when time is up.
/// </summary>
internal sealed class TestDeadline : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _expired = new();
    private readonly Timer? _poll;
    private readonly Func<int>? _testsStarted;
    private readonly TimeSpan _timeout;
    private int _lastCount;
    private long _lastStart = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <param name="timeout">Per test; null never expires.</param>
    /// <param name="testsStarted">Tests the process has started so far, polled; null: a single test, one fixed timeout.</param>
    public TestDeadline(TimeSpan? timeout, Func<int>? testsStarted)
    {
        if (timeout is not { } t)
        {
            return;
        }
        _timeout = t;
        if (testsStarted is null)
        {
            _expired.CancelAfter(t);
            return;
        }
        _testsStarted = testsStarted;
        _poll = new Timer(_ => Poll(), null, PollInterval, PollInterval);
    }

    public CancellationToken Expired => _expired.Token;

    /// <summary>A deadline for a process whose stdout is <paramref name="output"/>, restarted as <paramref name="progress"/> says.</summary>
    public static TestDeadline For(TimeSpan? timeout, BatchProgress? progress, OutputCapture output) => progress switch
    {
        BatchProgress.OutputLines => new TestDeadline(timeout, () => output.MarkedLines),
        BatchProgress.ReportFile file => new TestDeadline(timeout, new MarkerCounter(file.Path, file.Marker).Count),
        _ => new TestDeadline(timeout, null),
    };

    private void Poll()
    {
        try
        {
            var count = _testsStarted!();
            if (count != _lastCount)
            {
                _lastCount = count;
                _lastStart = System.Diagnostics.Stopwatch.GetTimestamp();
            }
            else if (System.Diagnostics.Stopwatch.GetElapsedTime(_lastStart) > _timeout)
            {
                _poll!.Change(Timeout.Infinite, Timeout.Infinite);
                _expired.Cancel();
            }
        }
        catch (ObjectDisposedException)
        {
            // The run finished between two polls.
        }
    }

    public void Dispose()
    {
        _poll?.Dispose();
        _expired.Dispose();
    }

    /// <summary>Counts a marker in a file another process appends to, reading only what was added since the last call.</summary>
    private sealed class MarkerCounter(string path, string marker)
    {
        private readonly byte[] _marker = Encoding.UTF8.GetBytes(marker);
        private long _offset;
        private int _matched;
        private int _count;

        public int Count()
        {
            try
            {
                using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                file.Seek(_offset, SeekOrigin.Begin);
                Span<byte> buffer = stackalloc byte[4096];
                int read;
                while ((read = file.Read(buffer)) > 0)
                {
                    _offset += read;
                    foreach (var b in buffer[..read])
                    {
                        // The marker has no repeated prefix ("<TestCase "), so a mismatch can restart at its first byte.
                        _matched = b == _marker[_matched] ? _matched + 1 : b == _marker[0] ? 1 : 0;
                        if (_matched == _marker.Length)
                        {
                            _count++;
                            _matched = 0;
                        }
                    }
                }
            }
            catch (IOException)
            {
                // Not created yet: nothing started.
            }
            return _count;
        }
    }
}
