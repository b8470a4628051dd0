using System.Text;
using Harness.Core.Model;

namespace Harness.Core.Frameworks;

/// <summary>
/// Tells which test framework an executable speaks from the bytes it holds, without running it: running an
/// unknown program to ask (<c>--help</c>, <c>--gtest_list_tests</c>) could do anything, including the tests.
/// </summary>
/// <remarks>
/// Each framework declares its markers and how they decide (<see cref="ITestFramework.Recognizes"/>). Markers are ASCII strings that land in the file from the framework's own code: mangled symbol names in
/// <c>.symtab</c>/<c>.dynstr</c> (present unless stripped, and for a shared gtest as imports), and the
/// framework's help text and source paths (present even when stripped). One flag name alone is never
/// enough, so a plain program whose usage text mentions <c>--list-tests</c> or <c>--test-threads</c> stays
/// <see cref="TestFramework.Plain"/>. Measured on the fixtures, stripped and not, with gcc 12, gtest 1.12,
/// Catch2 2.13 and rustc 1.95.
/// </remarks>
public static class FrameworkDetection
{
    private const int ChunkSize = 1 << 20;

    /// <summary>Every registered framework's markers, each once.</summary>
    private static readonly Marker[] Markers = [.. TestFrameworks.All.SelectMany(f => f.Markers).Distinct(StringComparer.Ordinal).Select(m => new Marker(m))];

    /// <summary>The framework of the executable at <paramref name="path"/>; <see cref="TestFramework.Plain"/> when
    /// none is recognised or the file cannot be read.</summary>
    public static TestFramework Detect(string path)
    {
        bool[] found;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
            found = Scan(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return TestFramework.Plain;
        }
        return Decide(found);
    }

    /// <summary>The framework of an executable image already in a stream (tests build them in memory).</summary>
    internal static TestFramework Detect(Stream stream) => Decide(Scan(stream));

    private static TestFramework Decide(bool[] found)
    {
        bool Has(string text) => found[Array.FindIndex(Markers, m => m.Text == text)];
        return TestFrameworks.All.First(f => f.Recognizes(Has)).Id;
    }

    /// <summary>Which markers occur in the stream, read in fixed chunks so a large binary costs no large allocation.</summary>
    private static bool[] Scan(Stream stream)
    {
        var found = new bool[Markers.Length];
        var overlap = Markers.Max(m => m.Bytes.Length) - 1;
        var buffer = new byte[overlap + ChunkSize];
        var carried = 0;
        while (true)
        {
            var read = stream.ReadAtLeast(buffer.AsSpan(carried, ChunkSize), ChunkSize, throwOnEndOfStream: false);
            if (read == 0)
            {
                return found;
            }
            var window = buffer.AsSpan(0, carried + read);
            for (var i = 0; i < Markers.Length; i++)
            {
                found[i] |= window.IndexOf(Markers[i].Bytes) >= 0;
            }
            if (found.All(f => f))
            {
                return found;
            }
            // Keep the window's tail so a marker split across two chunks is still seen whole.
            carried = Math.Min(overlap, window.Length);
            window[^carried..].CopyTo(buffer);
        }
    }

    private sealed record Marker(string Text)
    {
        public byte[] Bytes { get; } = Encoding.ASCII.GetBytes(Text);
    }
}
