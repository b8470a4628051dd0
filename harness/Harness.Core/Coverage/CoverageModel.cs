namespace Harness.Core.Coverage;

/// <summary>Coverage of one source line: how many times it was seen executing (breakpoint coverage counts 0 or 1).</summary>
/// <param name="Line">1-based line number.</param>
/// <param name="Hits">Executions seen; one-shot breakpoints only tell 0 (not reached) or 1 (reached).</param>
public readonly record struct LineCoverage(int Line, long Hits)
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
}

/// <summary>The coverage of one run: every selected source file, sorted by path.</summary>
public sealed record CoverageReport(IReadOnlyList<FileCoverage> Files, DateTimeOffset Timestamp)
{
    public int LinesCovered => Files.Sum(f => f.LinesCovered);

    public int LinesValid => Files.Sum(f => f.LinesValid);

    /// <summary>Covered lines over executable lines, 0–1 (1 for a report with no executable lines).</summary>
    public double LineRate => LinesValid == 0 ? 1 : (double)LinesCovered / LinesValid;
}
