using System.Text;
using System.Text.RegularExpressions;
using Harness.Testing;
using Harness.Tracing.Tests.Support;

namespace Harness.Tracing.Tests;

/// <summary>
/// The Rust fixture's calc unit-test binary under the tracer with two test threads: libtest runs tests on
/// threads it spawns, <c>threads_sum_primes</c> spawns four more, <c>runs_child_process</c> starts
/// <c>true</c>, <c>deliberately_fails</c> fails (exit 101). Outcomes and exit code must equal the native
/// run's, and the crate's lines run by those tests must be covered.
/// </summary>
public sealed partial class RustTests(RustTests.CalcRuns runs) : IClassFixture<RustTests.CalcRuns>
{
    [Fact]
    public void Run_CalcUnitTests_ExitCodeAndOutcomesEqualNative()
    {
        Assert.Equal(101, runs.Native.ExitCode);
        Assert.Equal(runs.Native.ExitCode, runs.Traced.Result.ShellStatus);
        var native = Outcomes(Encoding.UTF8.GetString(runs.Native.StandardOutput));
        var traced = Outcomes(runs.Traced.Output);
        Assert.Contains("tests::deliberately_fails FAILED", native);
        Assert.Contains("tests::runs_child_process ok", native);
        Assert.Equal(native, traced);
        // The test process and the child running `true`.
        Assert.True(runs.Traced.Result.Statistics.Processes >= 2, $"{runs.Traced.Result.Statistics.Processes} processes traced");
    }

    [Fact]
    public void Run_CalcUnitTests_ArithFunctionsRunByTestsFullyCovered()
    {
        var source = SourceFile.Read(Path.Combine(runs.Crate, "src", "arith.rs"));
        var file = runs.Traced.File("calc/src/arith.rs");

        foreach (var function in new[] { "add", "gcd", "factorial", "is_prime", "collatz_steps", "classify" })
        {
            CoverageAssert.AllCovered(file, source, source.RustFunction(function));
        }
        // div is only ever called with a zero divisor (div_by_zero_panics): the panic runs, the division never.
        CoverageAssert.Covered(file, source, source.StatementLine("panic!(\"division by zero\");"));
        CoverageAssert.NotCovered(file, source, source.StatementLine("a / b"));
        // rustc emits neither code nor debug information for never_called in this binary, so it may have no
        // lines at all; what it has must not be hit.
        var neverCalled = source.RustFunction("never_called");
        Assert.All(file.Lines.Where(l => neverCalled.Contains(l.Line)), l => Assert.False(l.IsCovered, $"arith.rs:{l.Line} in never_called is covered"));
    }

    [Fact]
    public void Run_CalcUnitTests_ParserAndTestBodiesCovered()
    {
        var parseSource = SourceFile.Read(Path.Combine(runs.Crate, "src", "parse.rs"));
        var parse = runs.Traced.File("calc/src/parse.rs");
        CoverageAssert.AllCovered(parse, parseSource, parseSource.RustFunction("tokenize"));
        CoverageAssert.Covered(parse, parseSource, parseSource.StatementLine("let mut parser = Parser { tokens, pos: 0 };"));
        // No test feeds evaluate() trailing input.
        CoverageAssert.NotCovered(parse, parseSource, parseSource.LineOf("ParseError::TrailingInput(parser.pos)"));

        var libSource = SourceFile.Read(Path.Combine(runs.Crate, "src", "lib.rs"));
        var lib = runs.Traced.File("calc/src/lib.rs");
        // Lines run on libtest's threads, on the threads a test spawns, and around a child process.
        CoverageAssert.AllCovered(lib, libSource, libSource.RustFunction("sum_primes"));
        CoverageAssert.AllCovered(lib, libSource, libSource.RustFunction("threads_sum_primes"));
        CoverageAssert.AllCovered(lib, libSource, libSource.RustFunction("runs_child_process"));
        // Ignored: never run.
        CoverageAssert.NotCovered(lib, libSource, libSource.LineOf("sum_primes(0, 200_000)"));
    }

    /// <summary>"test NAME ... RESULT" lines, sorted: with two test threads their order varies from run to run.</summary>
    private static List<string> Outcomes(string output) =>
        [.. OutcomeLine().Matches(output).Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value}").Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"^test (\S+) (?:- should panic )?\.\.\. (ok|FAILED|ignored)", RegexOptions.Multiline)]
    private static partial Regex OutcomeLine();

    /// <summary>The native and the traced run of the calc unit tests, once for the class.</summary>
    public sealed class CalcRuns
    {
        private static readonly string[] Arguments = ["--test-threads", "2"];

        public CalcRuns()
        {
            var build = Fixtures.Rust(RustFlavour.Default);
            var binary = build.UnitTestBinary("calc");
            Crate = Path.Combine(build.SourceDirectory, "calc");
            Native = NativeRun.Start(binary, Arguments, Crate);
            Traced = TracedRun.Start(binary, Arguments, options => options with { WorkingDirectory = Crate });
        }

        public string Crate { get; }

        internal NativeRun Native { get; }

        internal TracedRun Traced { get; }
    }
}
