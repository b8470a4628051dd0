using System.Text;
using Harness.Core.Changes;
using Harness.Core.Coverage;
using Harness.Core.Reports;
using Harness.Reporters.Reports;
using LineRange = Harness.Core.Changes.LineRange;

namespace Harness.Reporters.Tests.Reports;

/// <summary>Patch coverage: changed lines the coverage lists, covered or not; unlisted lines are not coverable.</summary>
public sealed class PatchCoverageTests
{
    private static readonly CoverageReport Coverage = new(
        [
            new FileCoverage("/repo/src/lib.rs", "calc", [new LineCoverage(3, 1), new LineCoverage(4, 0), new LineCoverage(5, 0), new LineCoverage(6, 0), new LineCoverage(9, 2)], []),
            new FileCoverage("/repo/src/a|b.rs", "calc", [new LineCoverage(1, 0)], []),
            new FileCoverage("/elsewhere/std.rs", "std", [new LineCoverage(1, 1)], []),
        ],
        DateTimeOffset.UnixEpoch);

    private static readonly ChangeSet Changes = new(new string('c', 40), "/repo", new Dictionary<string, FileChange>(StringComparer.Ordinal)
    {
        // Lines 2 (a comment: not in the coverage), 3 (ran), 4-6 (did not run); line 9 ran but did not change.
        ["src/lib.rs"] = new("src/lib.rs", [], [new LineRange(2, 6)], IsNew: false),
        ["src/a|b.rs"] = new("src/a|b.rs", [], [new LineRange(1, 1)], IsNew: true),
        ["README.md"] = new("README.md", [], [new LineRange(1, 40)], IsNew: false),
    });

    [Fact]
    public void From_ChangedLines_CoveredOverCoverablePerFile()
    {
        var patch = PatchCoverage.From(Coverage, Changes);

        Assert.Equal("cccccccccccc", patch.Base);
        Assert.Equal(["src/a|b.rs", "src/lib.rs"], patch.Files.Select(f => f.Path));
        var lib = patch.Files[1];
        Assert.Equal([3], lib.Covered);
        Assert.Equal([4, 5, 6], lib.Uncovered);
        Assert.Equal("4-6", lib.UncoveredRanges);
        Assert.Equal((1, 5), (patch.Covered, patch.Coverable));
    }

    [Fact]
    public void Ranges_MixedRuns_CollapsedRuns()
    {
        Assert.Equal("1, 3-5, 9-10", PatchCoverage.Ranges([1, 3, 4, 5, 9, 10]));
        Assert.Equal("", PatchCoverage.Ranges([]));
    }

    [Fact]
    public void Markdown_WithPatch_TableWithRangesAndEscapedPaths()
    {
        var data = ReportData.FromCoverage(Coverage) with { Patch = PatchCoverage.From(Coverage, Changes) };
        using var output = new MemoryStream();

        MarkdownWriter.Write(data, "t", output);

        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.Contains("## Patch coverage: 20.0% of changed lines", text, StringComparison.Ordinal);
        Assert.Contains("| `src/lib.rs` | 1 | 4 | 25.0% | 4-6 |", text, StringComparison.Ordinal);
        Assert.Contains("| `src/a\\|b.rs` | 0 | 1 | 0.0% | 1 |", text, StringComparison.Ordinal);
        Assert.Contains("| **total** | 1 | 5 | 20.0% | |", text, StringComparison.Ordinal);
    }
}
