using Harness.Core.Processes;

namespace Harness.Core.Tests.Execution;

/// <summary>The cap on what one stream of a test process keeps: head and tail, the middle counted, never all of it.</summary>
public sealed class OutputCaptureTests
{
    [Fact]
    public void Text_UnderTheLimit_KeptWhole()
    {
        var text = string.Concat(Enumerable.Range(0, 1000).Select(i => $"line {i}\n"));

        Assert.Equal(text, Capture(text, limit: 1 << 20));
    }

    [Theory]
    [InlineData(3 << 20, 1 << 20)]
    [InlineData(1_000_001, 1000)]
    [InlineData(10_000, 9_999)]
    public void Text_OverTheLimit_HeadAndTailKeptMiddleCountedInBytes(int length, int limit)
    {
        // Distinct characters everywhere, so a head or tail from the wrong place cannot pass for the right one.
        var text = string.Create(length, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)('a' + (i * 7 % 26));
            }
        });

        var captured = Capture(text, limit);

        var head = limit / 2;
        var tail = limit - head;
        var marker = $"\n… {length - limit} bytes elided …\n";
        Assert.Equal(text[..head] + marker + text[^tail..], captured);
    }

    [Fact]
    public void Text_MultibyteCharactersElided_CountedAsUtf8Bytes()
    {
        var text = new string('x', 10) + new string('é', 100) + new string('y', 10);

        var captured = Capture(text, limit: 20);

        Assert.Equal(new string('x', 10) + "\n… 200 bytes elided …\n" + new string('y', 10), captured);
    }

    [Fact]
    public void Text_NoLimit_KeepsEverything()
    {
        var text = new string('z', 3 << 20);

        Assert.Equal(text, Capture(text, limit: 0));
    }

    [Fact]
    public async Task MarkedLines_InTheElidedMiddle_StillCounted()
    {
        var text = string.Concat(Enumerable.Range(0, 10_000).Select(i => $"[ RUN      ] T.{i}\nsome output of test {i}\n"));

        var capture = new OutputCapture(new StringReader(text), "[ RUN      ]", limit: 1000);
        await capture.Completion;

        Assert.Equal(10_000, capture.MarkedLines);
        Assert.True(capture.Text.Length < 1100, $"{capture.Text.Length} characters kept");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4093)]
    public async Task OnLine_ChunksSplitAnywhere_EachLineWholeWithoutItsLineEndAndTheLastUnterminatedOneToo(int chunk)
    {
        var lines = new List<string>();

        var capture = new OutputCapture(new ChunkedReader("first\r\nsecond\n\nthird line, longer than a chunk\nlast", chunk), limit: 8, onLine: lines.Add);
        await capture.Completion;

        Assert.Equal(["first", "second", "", "third line, longer than a chunk", "last"], lines);
        Assert.Contains("elided", capture.Text, StringComparison.Ordinal); // the cap applies to what is kept, not to what is streamed
    }

    private static string Capture(string text, int limit)
    {
        // A reader that hands out small chunks, as a pipe does, so the ring buffer wraps many times.
        var capture = new OutputCapture(new ChunkedReader(text, 4093), limit: limit);
        capture.Completion.GetAwaiter().GetResult();
        return capture.Text;
    }

    private sealed class ChunkedReader(string text, int chunk) : TextReader
    {
        private int _position;

        public override int Read(char[] buffer, int index, int count)
        {
            var n = Math.Min(Math.Min(count, chunk), text.Length - _position);
            text.CopyTo(_position, buffer, index, n);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
        {
            var n = Math.Min(Math.Min(buffer.Length, chunk), text.Length - _position);
            text.AsMemory(_position, n).CopyTo(buffer);
            _position += n;
            return ValueTask.FromResult(n);
        }
    }
}
