using System.Text.Json;
using Harness.EndToEnd.Tests.Support;

namespace Harness.EndToEnd.Tests;

/// <summary>
/// Test impact, patch coverage and flaky tests on a git repository made from a copy of the fixtures/rust workspace:
/// a <c>--per-test-coverage</c> run at the first commit records the impact maps, then each test changes the working
/// tree (reset to that commit first) and asks <c>--affected</c>, <c>report --diff-base</c> or <c>flaky</c>.
/// One copy and one cargo build serve the whole class (its tests run one after the other).
/// </summary>
public sealed class ImpactTests(ImpactTests.Repository repository) : IClassFixture<ImpactTests.Repository>
{
    [Fact]
    public void Affected_FunctionBodyChanged_RunsTheTestThatCoversItOnly()
    {
        repository.Reset();
        // classify is reached by classify_buckets alone.
        repository.Replace("calc/src/arith.rs", "\"negative\"", "\"below zero\"");
        repository.Replace("calc/src/lib.rs", "classify(-4), \"negative\"", "classify(-4), \"below zero\"");

        var (run, outcomes, reasons) = repository.Test("--affected");

        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        Assert.Equal("passed", outcomes[Name("tests::classify_buckets")]);
        Assert.Equal("not-run", outcomes[Name("tests::gcd_of_pairs")]);
        Assert.Equal("not-run", outcomes[Name("tests::nested::respects_precedence")]);
        Assert.StartsWith("not affected by the change since", reasons[Name("tests::gcd_of_pairs")], StringComparison.Ordinal);
        Assert.Contains("classify_buckets: covers calc/src/", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("skipped", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Affected_NewTest_RunsIt()
    {
        repository.Reset();
        repository.Replace("calc/tests/integration.rs", "#[test]\nfn gcd_through_public_api()",
            "#[test]\nfn gcd_of_primes() {\n    assert_eq!(calc::arith::gcd(7, 13), 1);\n}\n\n#[test]\nfn gcd_through_public_api()");

        var (run, outcomes, _) = repository.Test("--affected");

        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        Assert.Equal("passed", outcomes.Single(o => o.Key.EndsWith(".gcd_of_primes", StringComparison.Ordinal)).Value);
        Assert.Contains("gcd_of_primes: no impact data", run.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("not-run", outcomes[Name("tests::factorial_small_and_overflow")]);
    }

    [Fact]
    public void Affected_CargoTomlChanged_RunsEverything()
    {
        repository.Reset();
        File.AppendAllText(repository.File("calc/Cargo.toml"), "\n# a comment changes no code, but harness cannot know that\n");

        var (run, outcomes, _) = repository.Test("--affected");

        Assert.Equal(1, run.ExitCode); // deliberately_fails ran
        Assert.DoesNotContain(outcomes, o => o.Value == "not-run");
        Assert.Contains("build file changed: calc/Cargo.toml", run.StandardOutput, StringComparison.Ordinal);

        var (ignored, ignoredOutcomes, _) = repository.Test("--affected", "--affected-ignore", "calc/Cargo.toml");
        Assert.True(ignored.ExitCode == 0, ignored.StandardOutput + ignored.StandardError);
        Assert.All(ignoredOutcomes.Values, outcome => Assert.Equal("not-run", outcome));
    }

    [Fact]
    public void ReportDiffBase_HalfTheAddedLinesRun_FiftyPercentAndFailUnderPatchExits3()
    {
        repository.Reset();
        // Two functions of the same shape, both linked into a new integration test (so both are coverable) but only twice
        // called: half the added lines run. The test's own file is excluded from coverage.
        File.AppendAllText(repository.File("calc/src/arith.rs"), "\npub fn twice(x: i64) -> i64 {\n    x * 2\n}\n\npub fn thrice(x: i64) -> i64 {\n    x * 3\n}\n");
        File.WriteAllText(repository.File("calc/tests/patch.rs"),
            "#[test]\nfn doubles() {\n    let f: fn(i64) -> i64 = if std::env::var_os(\"CALC_NEVER_SET\").is_some() { calc::arith::thrice } else { calc::arith::twice };\n    assert_eq!(f(21), 42);\n}\n");
        using var output = new TempDirectory("impact-patch");
        var run = repository.Harness("test", repository.Root, "--coverage", "--exclude", "**/tests/*.rs", "--filter", "doubles", "--no-history", "--out", output.Path);
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);

        var report = repository.Harness("report", output.Path, "--out", output.File("report"), "--diff-base", "HEAD", "--fail-under-patch", "50");
        Assert.True(report.ExitCode == 0, report.StandardOutput + report.StandardError);
        using var json = JsonDocument.Parse(File.ReadAllText(output.File("report/harness-report.json")));
        var patch = json.RootElement.GetProperty("patch");
        var covered = patch.GetProperty("covered").GetInt32();
        var coverable = patch.GetProperty("coverable").GetInt32();
        Assert.True(coverable > 0 && covered * 2 == coverable, $"{covered}/{coverable}\n{report.StandardOutput}");
        Assert.Contains("(50.0%)", report.StandardOutput, StringComparison.Ordinal);
        var summary = File.ReadAllText(output.File("report/summary.md"));
        Assert.Contains("| `calc/src/arith.rs` |", summary, StringComparison.Ordinal);
        Assert.Contains("Patch coverage", File.ReadAllText(output.File("report/html/index.html")), StringComparison.Ordinal);

        var below = repository.Harness("report", output.Path, "--out", output.File("report2"), "--diff-base", "HEAD", "--fail-under-patch", "51");
        Assert.True(below.ExitCode == 3, below.StandardOutput + below.StandardError);
    }

    [Fact]
    public void Flaky_FailsThenPassesAtOneCommit_ListedAndQuarantined()
    {
        repository.Reset();
        using var output = new TempDirectory("impact-flaky");
        var fail = new Dictionary<string, string?> { ["CALC_FLIP"] = "fail" };
        var first = repository.Harness(fail, "test", repository.Root, "--filter", "flips_on_request", "--out", output.Path);
        Assert.True(first.ExitCode == 1, first.StandardOutput + first.StandardError);
        var second = repository.Harness("test", repository.Root, "--filter", "flips_on_request", "--out", output.Path);
        Assert.True(second.ExitCode == 0, second.StandardOutput + second.StandardError);

        var flaky = repository.Harness("flaky", repository.Root);

        Assert.True(flaky.ExitCode == 0, flaky.StandardOutput + flaky.StandardError);
        var line = Assert.Single(flaky.StandardOutput.Split('\n'), l => l.Contains("flips_on_request", StringComparison.Ordinal));
        Assert.Contains("1 failed", line, StringComparison.Ordinal);
        Assert.Contains("flipped by CALC_FLIP", line, StringComparison.Ordinal);
        Assert.DoesNotContain("deliberately_fails", flaky.StandardOutput, StringComparison.Ordinal);

        var quarantined = repository.Harness(fail, "test", repository.Root, "--filter", "flips_on_request", "--quarantine-flaky", "--out", output.Path);
        Assert.True(quarantined.ExitCode == 0, quarantined.StandardOutput + quarantined.StandardError);
        Assert.Contains("quarantined", quarantined.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>The full name of a test of the calc library's unit-test binary, by its libtest name.</summary>
    private string Name(string libtestName) => repository.LibraryTests.Single(n => n.EndsWith(".lib." + libtestName.Replace("::", ".", StringComparison.Ordinal), StringComparison.Ordinal));

    /// <summary>The copied workspace as a git repository whose first commit has impact maps (one per-test coverage run).</summary>
    public sealed class Repository : IDisposable
    {
        private readonly TempDirectory _directory = new("impact");
        private readonly TempDirectory _output = new("impact-out");

        public Repository()
        {
            CopyWorkspace(Path.Combine(global::Harness.Testing.Repository.FixturesDirectory, "rust"), Root);
            // A test that fails when told to: the same binary at the same commit, two outcomes.
            System.IO.File.AppendAllText(File("calc/tests/integration.rs"),
                "\n#[test]\nfn flips_on_request() {\n    assert!(std::env::var(\"CALC_FLIP\").is_err(), \"flipped by CALC_FLIP\");\n}\n");
            System.IO.File.WriteAllText(File(".gitignore"), "target/\n");
            Git("init", "-q");
            Git("add", "-A");
            Git("commit", "-q", "-m", "calc");
            var baseline = Harness("test", Root, "--per-test-coverage", "--out", _output.Path);
            Assert.True(baseline.ExitCode == 1, baseline.StandardOutput + baseline.StandardError); // deliberately_fails
            Assert.Contains("impact maps", baseline.StandardOutput, StringComparison.Ordinal);
            using var results = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(_output.Path, "results.json")));
            LibraryTests = [.. results.RootElement.GetProperty("tests").EnumerateArray().Select(t => t.GetProperty("fullyQualifiedName").GetString()!)
                .Where(n => n.Contains(".lib.tests.", StringComparison.Ordinal))];
        }

        public string Root => Path.Combine(_directory.Path, "calc-workspace");

        public IReadOnlyList<string> LibraryTests { get; }

        public string File(string relative) => Path.Combine(Root, relative);

        /// <summary>Back to the first commit: tracked files restored, untracked ones removed (target/ is ignored and kept).</summary>
        public void Reset()
        {
            Git("checkout", "-q", "--", ".");
            Git("clean", "-fdq");
        }

        public void Replace(string relative, string from, string to)
        {
            var text = System.IO.File.ReadAllText(File(relative));
            Assert.Contains(from, text, StringComparison.Ordinal);
            System.IO.File.WriteAllText(File(relative), text.Replace(from, to, StringComparison.Ordinal));
        }

        /// <summary><c>harness test ROOT OPTIONS…</c> in the repository: the process, each test's outcome and its failure message (the reason of a not-run one).</summary>
        public (ProcessResult Run, Dictionary<string, string> Outcomes, Dictionary<string, string> Reasons) Test(params string[] options)
        {
            using var output = new TempDirectory("impact-run");
            var run = Harness(["test", Root, "--out", output.Path, .. options]);
            using var results = JsonDocument.Parse(System.IO.File.ReadAllText(output.File("results.json")));
            var tests = results.RootElement.GetProperty("tests").EnumerateArray().ToList();
            return (run,
                tests.ToDictionary(t => t.GetProperty("fullyQualifiedName").GetString()!, t => t.GetProperty("outcome").GetString()!),
                tests.ToDictionary(t => t.GetProperty("fullyQualifiedName").GetString()!, t => t.GetProperty("failureMessage").GetString() ?? ""));
        }

        public ProcessResult Harness(params string[] arguments) => Harness(null, arguments);

        public ProcessResult Harness(IReadOnlyDictionary<string, string?>? environment, params string[] arguments) =>
            ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, .. arguments], Root, environment, TimeSpan.FromMinutes(5));

        private void Git(params string[] arguments) =>
            ProcessRunner.Run("git", ["-c", "user.name=Harness Tests", "-c", "user.email=tests@harness.invalid", "-c", "init.defaultBranch=main", .. arguments], Root)
                .EnsureSuccess($"git {arguments[0]}");

        private static void CopyWorkspace(string source, string destination)
        {
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(source, file);
                if (relative.Split('/').Any(part => part is "target" || part.StartsWith('.')))
                {
                    continue;
                }
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(destination, relative))!);
                System.IO.File.Copy(file, Path.Combine(destination, relative));
            }
        }

        public void Dispose()
        {
            _output.Dispose();
            _directory.Dispose();
        }
    }
}
