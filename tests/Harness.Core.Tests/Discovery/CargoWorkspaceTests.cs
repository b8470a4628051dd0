using Harness.Core.Model;
using Harness.Core.Runs;
using Harness.Core.Suites;
using Harness.Core.Suites.Discovery;

namespace Harness.Core.Tests.Discovery;

/// <summary>fixtures/rust-cargo (a root package with a <c>dylib</c> member, a <c>harness = false</c> test and features), built into its own target directory.</summary>
public sealed class RustCargoWorkspace
{
    public string Root { get; } = Path.Combine(Repository.FixturesDirectory, "rust-cargo");

    public string TargetDirectory { get; } = Path.Combine(Repository.FixtureCache, "rust-cargo");

    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?> { ["CARGO_TARGET_DIR"] = TargetDirectory };

    public IReadOnlyList<TestBinary> Discover(params string[] cargoArguments) =>
        SuiteDiscovery.Discover(Root, SuiteKind.Auto, environment: Environment, cargoArguments: cargoArguments);

    public IReadOnlyList<TestCase> List(params string[] cargoArguments) =>
        TestCatalog.List(new SuiteSpec(Root) { BuildEnvironment = Environment, CargoArguments = cargoArguments });

    /// <summary><c>cargo test ARGS</c> in the workspace root, into the same target directory.</summary>
    public ProcessResult Cargo(params string[] arguments) =>
        ProcessRunner.Run("cargo", ["test", .. arguments], Root, Environment, TimeSpan.FromMinutes(5));
}

/// <summary>
/// What <c>cargo test</c> runs and how it runs it, with <c>cargo test</c> itself as the oracle: which packages a root
/// package with members tests, cargo's selection and feature options, <c>harness = false</c> targets as one plain test,
/// binaries that load <c>libstd-*.so</c> and a workspace <c>dylib</c>, and the environment a test sees.
/// </summary>
public sealed class CargoWorkspaceTests(RustCargoWorkspace workspace) : IClassFixture<RustCargoWorkspace>
{
    [Fact]
    public void Discover_RootPackageWithMembers_OnlyTheRootAsCargoTestDoes()
    {
        Assert.Equal(["abacus.doc", "abacus.lib", "abacus.test.plain_main"], workspace.Discover().Select(b => b.BinaryId));
    }

    [Fact]
    public void Discover_WorkspaceOrPackage_ThoseCargoSelects()
    {
        Assert.Equal(
            ["abacus.doc", "abacus.lib", "abacus.test.plain_main", "shapes.lib", "tally.doc", "tally.lib"],
            workspace.Discover("--workspace").Select(b => b.BinaryId));
        Assert.Equal(["shapes.lib", "tally.doc", "tally.lib"], workspace.Discover("--workspace", "--exclude", "abacus").Select(b => b.BinaryId));
        // Doctests: cargo runs them unless targets are chosen (--lib, --test…), only them with --doc; a dylib has none.
        Assert.Equal(["tally.doc"], workspace.Discover("--doc", "--package", "tally").Select(b => b.BinaryId));
        Assert.Equal(["tally.lib"], workspace.Discover("--lib", "--package", "tally").Select(b => b.BinaryId));
        Assert.Equal(["shapes.lib"], workspace.Discover("--package", "shapes").Select(b => b.BinaryId));
        Assert.Equal(["abacus.test.plain_main"], workspace.Discover("--test", "plain_main").Select(b => b.BinaryId));
    }

    [Fact]
    public void Discover_MemberDirectory_SameSuiteAsFromTheRoot()
    {
        var fromMember = SuiteDiscovery.Discover(Path.Combine(workspace.Root, "shapes"), environment: workspace.Environment);
        var fromRoot = workspace.Discover("--package", "shapes");

        Assert.Equal(fromRoot.Select(b => $"{b.Suite}.{b.BinaryId}"), fromMember.Select(b => $"{b.Suite}.{b.BinaryId}"));
        Assert.Equal("rust-cargo", Assert.Single(fromMember).Suite);
    }

    [Fact]
    public void Discover_CargoOptionsForABinary_SuiteExceptionNamingThem()
    {
        var binary = workspace.Discover().First(b => b.Framework == TestFramework.LibTest).Path;

        var error = Assert.Throws<SuiteException>(() => SuiteDiscovery.Discover(binary, cargoArguments: ["--release"]));

        Assert.Contains("--release", error.Message, StringComparison.Ordinal);
        Assert.StartsWith(binary + ":", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void List_Features_TheTestsCargoCompiles()
    {
        static List<string> Names(IReadOnlyList<TestCase> tests) => [.. tests.Where(t => t.Binary.BinaryId == "abacus.lib").Select(t => t.FrameworkName)];

        var defaults = Names(workspace.List());
        var extra = Names(workspace.List("--features", "extra"));
        var none = Names(workspace.List("--no-default-features"));

        Assert.Contains("tests::rounds", defaults);
        Assert.DoesNotContain("tests::extra_feature_only", defaults);
        Assert.Contains("tests::extra_feature_only", extra);
        Assert.DoesNotContain("tests::rounds", none);
        Assert.Equal(Libtest(workspace.Cargo("--lib", "--features", "extra", "--", "--list", "--format", "terse")), extra.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void List_HarnessFalseTarget_OnePlainTestAtItsMainNeverListed()
    {
        var plain = Assert.Single(workspace.List(), t => t.Binary.BinaryId == "abacus.test.plain_main");

        Assert.Equal(TestFramework.Plain, plain.Binary.Framework);
        Assert.Equal("rust-cargo.abacus.test.plain_main", plain.FullyQualifiedName);
        Assert.Equal(Path.Combine(workspace.Root, "tests", "plain_main.rs"), plain.SourceFile);
        Assert.Equal(LineOf("tests/plain_main.rs", "fn main()"), plain.SourceLine);
    }

    [Fact]
    public void List_RawIdentifierAndMacroTests_LocatedAtTheirFunctions()
    {
        var tests = workspace.List().ToDictionary(t => t.FrameworkName);

        Assert.Equal(LineOf("src/lib.rs", "fn r#type()"), tests["tests::r#type"].SourceLine);
        Assert.Equal("rust-cargo.abacus.lib.tests.r#type", tests["tests::r#type"].FullyQualifiedName);
        // A test written by macro_rules! is where DWARF declares it: the macro body's `fn $name`, not the call.
        Assert.Equal(LineOf("src/lib.rs", "fn $name()"), tests["tests::sum_of_two"].SourceLine);
    }

    [Fact]
    public void Run_DylibAndPlainTargets_EveryOutcomeAsUnderCargoTest()
    {
        var oracle = workspace.Cargo("--workspace");
        Assert.True(oracle.ExitCode == 0, oracle.StandardOutput + oracle.StandardError);
        var tests = workspace.List("--workspace");

        var results = new TestRun(new RunRequest { Tests = [.. tests.Where(t => !t.Binary.BinaryId.EndsWith(".doc", StringComparison.Ordinal))], Jobs = 2 }).Run([]).Results;

        Assert.All(results, r => Assert.True(r.Result.Outcome == TestOutcome.Passed, $"{r.Test.FullyQualifiedName}: {r.Result.Outcome} {r.Result.FailureMessage} {r.Result.StandardError}"));
        Assert.Contains(results, r => r.Test.FrameworkName == "tests::square_area_from_the_dylib");
        Assert.Contains("plain_main ran: 5", Assert.Single(results, r => r.Test.Binary.Framework == TestFramework.Plain).Result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(
            Libtest(workspace.Cargo("--workspace", "--lib", "--", "--list", "--format", "terse")),
            results.Where(r => r.Test.Binary.Framework == TestFramework.LibTest).Select(r => r.Test.FrameworkName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Run_TestEnvironment_EqualsCargoTests()
    {
        const string Name = "tests::prints_environment";
        var cargo = workspace.Cargo("--lib", "--", "--exact", Name, "--nocapture");
        Assert.True(cargo.ExitCode == 0, cargo.StandardError);
        var test = Assert.Single(workspace.List(), t => t.FrameworkName == Name);

        var harness = Assert.Single(new TestRun(new RunRequest { Tests = [test], Jobs = 1 }).Run([]).Results).Result;

        // rustup's own bookkeeping (RUSTUP_TOOLCHAIN_SOURCE, RUST_RECURSION_COUNT) is left out: no test has a use for it.
        static Dictionary<string, string> Cargoish(string output) => output.Split('\n')
            .Where(l => l.StartsWith("CWD ", StringComparison.Ordinal)
                || (l.StartsWith("ENV ", StringComparison.Ordinal) && l[4..] is var pair
                    && (pair.StartsWith("CARGO", StringComparison.Ordinal) || pair.StartsWith("RUSTUP_HOME=", StringComparison.Ordinal)
                        || pair.StartsWith("RUSTUP_TOOLCHAIN=", StringComparison.Ordinal) || pair.StartsWith("LD_LIBRARY_PATH=", StringComparison.Ordinal))))
            .Select(l => l.StartsWith("CWD ", StringComparison.Ordinal) ? ["CWD", l[4..]] : l[4..].Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        var expected = Cargoish(cargo.StandardOutput);
        // This test hands CARGO_TARGET_DIR to cargo, which passes its own environment on; harness gives the tests its own.
        expected.Remove("CARGO_TARGET_DIR");
        Assert.Contains("CARGO", expected.Keys);
        Assert.Contains("LD_LIBRARY_PATH", expected.Keys);
        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), Cargoish(harness.StandardOutput).OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void List_DocTests_NamedAndLocatedAtTheirExamples()
    {
        var tests = workspace.List("--doc", "--package", "tally");
        var source = Path.Combine(workspace.Root, "tally", "src", "lib.rs");

        Assert.Equal(
            ["Counter.bump_line_35", "count_line_13", "count_line_17", "count_line_21", "count_line_25", "count_line_9", "line_3"],
            tests.Select(t => t.FullyQualifiedName["rust-cargo.tally.doc.src_lib_rs.".Length..]).Order(StringComparer.Ordinal));
        Assert.All(tests, t => Assert.StartsWith("rust-cargo.tally.doc.src_lib_rs.", t.FullyQualifiedName, StringComparison.Ordinal));
        Assert.All(tests, t => Assert.Equal(source, t.SourceFile));
        var ignored = Assert.Single(tests, t => t.IsIgnored);
        Assert.Equal("tally/src/lib.rs - count (line 13)", ignored.FrameworkName);
        Assert.Equal(13, ignored.SourceLine);
        Assert.StartsWith("```ignore", File.ReadAllLines(source)[12].TrimStart('/', ' '), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_DocTests_EachJudgedAsCargoTestJudgesIt()
    {
        var cargo = workspace.Cargo("--doc", "--package", "tally");
        Assert.True(cargo.ExitCode == 0, cargo.StandardError);
        // `test tally/src/lib.rs - count (line 9) ... ok`, one line per doctest; a run names no_run and compile_fail
        // examples with a suffix that the listing has not (`… (line 17) - compile`).
        var expected = cargo.StandardOutput.Split('\n')
            .Where(l => l.StartsWith("test ", StringComparison.Ordinal) && l.Contains(" ... ", StringComparison.Ordinal))
            .Select(l => l[5..].Split(" ... "))
            .ToDictionary(p => p[0][..(p[0].LastIndexOf(')') + 1)], p => p[1].Trim() switch { "ok" => TestOutcome.Passed, "ignored" => TestOutcome.Skipped, _ => TestOutcome.Failed });
        var tests = workspace.List("--doc", "--package", "tally");

        var results = new TestRun(new RunRequest { Tests = tests, Jobs = 2 }).Run([]).Results;

        Assert.Equal(7, expected.Count);
        Assert.Equal(
            expected.OrderBy(kv => kv.Key, StringComparer.Ordinal),
            results.Select(r => KeyValuePair.Create(r.Test.FrameworkName, r.Result.Outcome)).OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Run_FailingDocTests_FailedWithRustdocsReason()
    {
        using var crate = new TempDirectory("cargo-failing-doctests");
        File.WriteAllText(crate.File("Cargo.toml"), "[package]\nname = \"dfail\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
        Directory.CreateDirectory(crate.File("src"));
        File.WriteAllText(crate.File("src/lib.rs"), """
            /// ```
            /// assert_eq!(dfail::one(), 2, "one is not two");
            /// ```
            ///
            /// ```compile_fail
            /// let compiles: u32 = 5;
            /// ```
            pub fn one() -> i32 { 1 }
            """);
        var tests = TestCatalog.List(new SuiteSpec(crate.Path) { BuildEnvironment = new Dictionary<string, string?> { ["CARGO_TARGET_DIR"] = crate.File("target") } });

        var results = new TestRun(new RunRequest { Tests = tests, Jobs = 2 }).Run([]).Results
            .ToDictionary(r => r.Test.FullyQualifiedName[(r.Test.Binary.Suite.Length + 1)..], r => r.Result);

        Assert.Equal(TestOutcome.Failed, results["dfail.doc.src_lib_rs.one_line_1"].Outcome);
        Assert.Contains("one is not two", results["dfail.doc.src_lib_rs.one_line_1"].FailureMessage, StringComparison.Ordinal);
        Assert.Equal(TestOutcome.Failed, results["dfail.doc.src_lib_rs.one_line_5"].Outcome);
        Assert.Contains("compile_fail", results["dfail.doc.src_lib_rs.one_line_5"].FailureMessage, StringComparison.Ordinal);
    }

    private static List<string> Libtest(ProcessResult listing)
    {
        Assert.True(listing.ExitCode == 0, listing.StandardError);
        return [.. listing.StandardOutput.Split('\n').Where(l => l.EndsWith(": test", StringComparison.Ordinal)).Select(l => l[..^": test".Length]).Order(StringComparer.Ordinal)];
    }

    private int LineOf(string file, string text) =>
        Array.FindIndex(File.ReadAllLines(Path.Combine(workspace.Root, file)), l => l.Contains(text, StringComparison.Ordinal)) + 1;
}
