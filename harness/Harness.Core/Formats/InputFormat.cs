namespace Harness.Core.Formats;

/// <summary>The kinds of file harness reads (<c>harness report</c>'s inputs, <c>harness compare</c>'s timing files), told apart by content (<see cref="InputSniffer"/>).</summary>
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

    /// <summary>JUnit XML (ours, GoogleTest's, pytest's, cargo2junit's…): test timings.</summary>
    JUnit,

    /// <summary>CTest's <c>Testing/Temporary/CTestCostData.txt</c>: <c>NAME RUNS AVERAGE-SECONDS</c> lines.</summary>
    CTestCostData,
}
