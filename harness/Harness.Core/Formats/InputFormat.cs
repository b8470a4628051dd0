namespace Harness.Core.Formats;

/// <summary>The kinds of file <c>harness report</c> reads, told apart by content (<see cref="InputSniffer"/>).</summary>
public enum InputFormat
{
    /// <summary><c>results.json</c> from <c>harness test</c>: outcomes, durations, per-test coverage.</summary>
    HarnessResults,

    /// <summary>The harness JSON report (<c>harness-report.json</c>): coverage and results.</summary>
    HarnessJson,

    /// <summary>Cobertura XML (coverlet, gcovr, ReportGenerator, harness).</summary>
    Cobertura,

    /// <summary>LCOV tracefile (geninfo, grcov, harness).</summary>
    Lcov,

    /// <summary><c>gcov --json-format</c> (gzip-compressed or not).</summary>
    GcovJson,

    /// <summary><c>llvm-cov export --format=text</c>.</summary>
    LlvmCovJson,
}
