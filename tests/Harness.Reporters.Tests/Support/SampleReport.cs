using Harness.Core.Coverage;

namespace Harness.Reporters.Tests.Support;

/// <summary>
/// A hand-built report that exercises what the writers must get right: two modules, three files, a function
/// with no code, names with commas, spaces and angle brackets, and a directory named <see cref="Hostile"/>.
/// The source files exist on disk (genhtml refuses a tracefile whose sources it cannot read).
/// </summary>
internal static class SampleReport
{
    /// <summary>Markup, an entity start and both quotes: what a careless writer would pass through into XML or HTML.</summary>
    public const string Hostile = "<script>&\"'";

    public const string GenericName = "core::iter::Iterator::fold<u64, u32>";

    public const string HostileFunctionName = "evil<script>&\"'::run";

    public static readonly DateTimeOffset Timestamp = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>The report over sources created under <paramref name="root"/>.</summary>
    public static CoverageReport Create(string root)
    {
        var lib = Source(root, "calc/src/lib.rs", 16);
        var evil = Source(root, $"calc/src/{Hostile}/evil.rs", 4);
        var area = Source(root, "shapes/area.c", 12);

        return new CoverageReport(
            [
                new FileCoverage(
                    lib,
                    "calc-tests",
                    [new(2, 1), new(3, 1), new(4, 0), new(7, 0), new(8, 0), new(9, 0), new(12, 1), new(13, 1)],
                    [
                        new("calc::add", 2, 4, 1),
                        new("calc::unused", 7, 9, 0),
                        new(GenericName, 12, 13, 1),
                        new("calc::inlined_away", 15, 15, 0, HasCode: false),
                    ]),
                new FileCoverage(
                    evil,
                    "calc-tests",
                    [new(1, 1), new(2, 0), new(3, 1)],
                    [new(HostileFunctionName, 1, 3, 1)]),
                new FileCoverage(
                    area,
                    "shapes_test",
                    [new(3, 1), new(4, 1), new(5, 1), new(9, 0), new(10, 0)],
                    [new("area", 3, 5, 1), new("perimeter(int, int) const", 9, 10, 0)]),
            ],
            Timestamp);
    }

    public static int FunctionCount(CoverageReport report) => report.Files.Sum(f => f.Functions.Count);

    public static int FunctionsHit(CoverageReport report) => report.Files.Sum(f => f.Functions.Count(fn => fn.Hits > 0));

    private static string Source(string root, string relative, int lines)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, Enumerable.Range(1, lines).Select(n => $"// line {n}"));
        return path;
    }
}
