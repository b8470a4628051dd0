using Harness.Core.Coverage;

namespace Harness.Core.History;

/// <summary>
/// The source lines one test ran, as <c>--per-test-coverage</c> recorded them: what <c>--affected</c> intersects
/// with a change. Paths are relative to the git top level so a map recorded in one checkout serves another.
/// </summary>
/// <param name="Test">The test's fully qualified name.</param>
/// <param name="Binary">The content hash of its test binary (<see cref="SqliteHistoryStore.HashBinaries"/>).</param>
/// <param name="Lines">Repository-relative path → the lines it ran there, sorted ascending; no entry for a file it did not reach.</param>
public sealed record ImpactMap(string Test, string Binary, IReadOnlyDictionary<string, int[]> Lines)
{
    /// <summary>
    /// Every test's map from a per-test coverage report: its covered lines inside <paramref name="repository"/> (files
    /// elsewhere, a toolchain's sources, are not part of any change). A test that ran and reached no such line gets an
    /// empty map, which is impact data too: no change but its own source can affect it.
    /// </summary>
    public static IReadOnlyList<ImpactMap> From(CoverageReport report, string repository, IReadOnlyDictionary<string, string> binaryOfTest)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(binaryOfTest);
        var lines = binaryOfTest.Keys.ToDictionary(t => t, _ => new SortedDictionary<string, List<int>>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var file in report.Files)
        {
            if (Changes.GitChanges.RelativeTo(repository, file.Path) is not { } relative)
            {
                continue;
            }
            foreach (var line in file.Lines)
            {
                foreach (var test in line.Tests ?? [])
                {
                    if (!lines.TryGetValue(test, out var files))
                    {
                        continue;
                    }
                    if (!files.TryGetValue(relative, out var list))
                    {
                        files[relative] = list = [];
                    }
                    list.Add(line.Line);
                }
            }
        }
        return [.. lines.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new ImpactMap(t.Key, binaryOfTest[t.Key],
            t.Value.ToDictionary(f => f.Key, f => f.Value.Order().Distinct().ToArray(), StringComparer.Ordinal)))];
    }
}

/// <summary>
/// Sorted line numbers as a blob: each the difference from the one before, as an unsigned LEB128 varint. Covered
/// lines cluster, so most deltas take one byte: a test's 300 lines in a file are about 300 bytes.
/// </summary>
public static class LineBlob
{
    public static byte[] Encode(IReadOnlyList<int> sortedLines)
    {
        ArgumentNullException.ThrowIfNull(sortedLines);
        var bytes = new List<byte>(sortedLines.Count + 4);
        var previous = 0;
        foreach (var line in sortedLines)
        {
            if (line <= previous)
            {
                throw new ArgumentException("lines must be ascending and positive", nameof(sortedLines));
            }
            var delta = (uint)(line - previous);
            previous = line;
            while (delta >= 0x80)
            {
                bytes.Add((byte)(delta | 0x80));
                delta >>= 7;
            }
            bytes.Add((byte)delta);
        }
        return [.. bytes];
    }

    /// <exception cref="InvalidDataException">The blob is cut off inside a number, or a number overflows.</exception>
    public static int[] Decode(ReadOnlySpan<byte> blob)
    {
        var lines = new List<int>();
        var line = 0L;
        var delta = 0L;
        var shift = 0;
        foreach (var b in blob)
        {
            delta |= (long)(b & 0x7F) << shift;
            shift += 7;
            if (shift > 35 || delta > int.MaxValue)
            {
                throw new InvalidDataException("line blob: a number is too large");
            }
            if ((b & 0x80) != 0)
            {
                continue;
            }
            line += delta;
            if (line > int.MaxValue)
            {
                throw new InvalidDataException("line blob: a line number is too large");
            }
            lines.Add((int)line);
            delta = 0;
            shift = 0;
        }
        if (shift != 0)
        {
            throw new InvalidDataException("line blob: cut off inside a number");
        }
        return [.. lines];
    }
}
