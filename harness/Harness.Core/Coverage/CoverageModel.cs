namespace Harness.Core.Coverage;

/// <summary>
/// One arm of a branch on a line, as gcc, LLVM and coverlet report it: arm <see cref="Arm"/> of branch point
/// <see cref="Block"/> (several branch points can share a line: <c>a &amp;&amp; b</c> has two).
/// </summary>
/// <param name="Block">The branch point on the line (LCOV's block number; 0 when the source has only one).</param>
/// <param name="Arm">Which way out of the branch point (0 = first arm).</param>
/// <param name="Taken">Times the arm was taken; null when unknown because the branch point itself never ran
/// (LCOV writes <c>-</c>). Unknown counts as not taken in totals.</param>
public readonly record struct BranchArm(int Block, int Arm, long? Taken)
{
    public bool IsTaken => Taken > 0;
}

/// <summary>Coverage of one source line: how many times it was seen executing (breakpoint coverage counts 0 or 1).</summary>
/// <param name="Line">1-based line number.</param>
/// <param name="Hits">Executions seen; one-shot breakpoints only tell 0 (not reached) or 1 (reached). Merging adds them,
/// so merged breakpoint coverage counts the runs that reached the line.</param>
/// <param name="Branches">The line's branch arms sorted by block then arm, or null when the source had no branch data.</param>
/// <param name="Tests">Fully qualified names of the tests that ran the line, sorted, or null when not recorded.</param>
public readonly record struct LineCoverage(int Line, long Hits, IReadOnlyList<BranchArm>? Branches = null, IReadOnlyList<string>? Tests = null)
{
    public bool IsCovered => Hits > 0;
}

/// <summary>Coverage of one function: its declaration line, the last line it spans, and whether it ran.</summary>
/// <param name="Name">Qualified name (<c>calc::parse::tokenize</c>, <c>shapes::Square::area</c>).</param>
/// <param name="Line">First line: the declaration line DWARF gives, else the function's first line-table line.</param>
/// <param name="EndLine">Last line of the function's code, or <paramref name="Line"/> when unknown.</param>
/// <param name="Hits">Executions seen (0 or 1 with one-shot breakpoints).</param>
/// <param name="HasCode">False for functions DWARF describes but whose code the compiler or linker removed.</param>
public sealed record FunctionCoverage(string Name, int Line, int EndLine, long Hits, bool HasCode = true);

/// <summary>Coverage of one source file. Lines are sorted by number; only executable lines appear.</summary>
/// <param name="Path">Absolute path of the source file.</param>
/// <param name="Module">The binary or library the code came from (package in Cobertura), e.g. its file name.</param>
public sealed record FileCoverage(string Path, string Module, IReadOnlyList<LineCoverage> Lines, IReadOnlyList<FunctionCoverage> Functions)
{
    public int LinesCovered => Lines.Count(l => l.IsCovered);

    public int LinesValid => Lines.Count;

    /// <summary>Branch arms taken at least once.</summary>
    public int BranchesCovered => Lines.Sum(l => l.Branches?.Count(b => b.IsTaken) ?? 0);

    /// <summary>Branch arms known to exist, taken or not.</summary>
    public int BranchesValid => Lines.Sum(l => l.Branches?.Count ?? 0);

    public int FunctionsCovered => Functions.Count(f => f.HasCode && f.Hits > 0);
}

/// <summary>The coverage of one run: every selected source file, sorted by path.</summary>
public sealed record CoverageReport(IReadOnlyList<FileCoverage> Files, DateTimeOffset Timestamp)
{
    public int LinesCovered => Files.Sum(f => f.LinesCovered);

    public int LinesValid => Files.Sum(f => f.LinesValid);

    public int BranchesCovered => Files.Sum(f => f.BranchesCovered);

    public int BranchesValid => Files.Sum(f => f.BranchesValid);

    public int FunctionsCovered => Files.Sum(f => f.FunctionsCovered);

    public int FunctionsValid => Files.Sum(f => f.Functions.Count);

    /// <summary>Whether any executable line is known: a report of nothing (no <c>-g</c>, every file filtered out) is
    /// "no data" (shown as <see cref="CoveragePercent.NoData"/>), never 100 %.</summary>
    public bool HasLineData => LinesValid > 0;

    /// <summary>Covered lines over executable lines, 0–1; null when there are no executable lines (no data, not 100 %).</summary>
    public double? LineRate => LinesValid == 0 ? null : (double)LinesCovered / LinesValid;

    /// <summary>Taken branch arms over known arms, 0–1; null when there is no branch data.</summary>
    public double? BranchRate => BranchesValid == 0 ? null : (double)BranchesCovered / BranchesValid;
}
