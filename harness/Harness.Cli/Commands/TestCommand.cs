using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Harness.Core.Coverage;
using Harness.Core.Model;
using Harness.Core.Profiling;
using Harness.Core.Runs;
using Harness.Core.Runs.Sinks;
using Harness.Core.Suites;
using Harness.Reporters;
using Harness.Reporters.Coverage;
using Harness.Reporters.Results;

namespace Harness.Cli.Commands;

/// <summary>
/// <c>harness test [SUITE…]</c>: lists the suites' tests, runs the selected ones in parallel (one process per
/// libtest test, batches for GoogleTest and Catch2) with timeouts and retries, prints a line per test and a
/// summary, writes <c>results.json</c> and <c>junit.xml</c>; exit 0 when all passed, 1 when any failed, 2 on
/// usage or build errors, 4 when nothing was selected (unless <c>--no-tests</c> says otherwise), 128 + the signal
/// when interrupted (SIGINT, SIGTERM, SIGHUP).
/// </summary>
internal static class TestCommand
{
    public static Command Create()
    {
        var suites = new Argument<string[]>("SUITE") { Description = "Cargo directories, CMake build directories or test binaries (default: the current directory).", Arity = ArgumentArity.ZeroOrMore };
        var kind = new Option<SuiteKind>("--kind") { Description = "How to read SUITE instead of detecting it.", DefaultValueFactory = _ => SuiteKind.Auto };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Test processes at once (default: cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds per test before SIGTERM (then SIGKILL after a grace period); outcome timed-out." };
        var retries = new Option<int>("--retries") { Description = "Extra attempts for a failing test; passing on one makes it flaky.", DefaultValueFactory = _ => 0 };
        var flakyFails = new Option<bool>("--flaky-fails") { Description = "Count flaky tests as failed." };
        var filters = new Option<string[]>("--filter") { Description = "A substring of the test name, or a glob (* ?) that must match the whole name (dotted or as the framework prints it); repeatable; a leading ! excludes." };
        var labels = new Option<string[]>("--label", "-L") { Description = "A regular expression that one of a test's CTest LABELS must match (ctest -L); repeatable, each must match." };
        var excludeLabels = new Option<string[]>("--exclude-label", "-LE") { Description = "Leave out tests with a CTest label matching this regular expression (ctest -LE); repeatable." };
        var exact = new Option<bool>("--exact") { Description = "Plain --filter expressions match whole names." };
        var partition = new Option<string?>("--partition") { Description = "Run one shard: hash:M/N (stable per test name) or slice:M/N." };
        var failFast = new Option<bool>("--fail-fast") { Description = "Stop starting tests after the first failure." };
        var runIgnored = new Option<bool>("--run-ignored") { Description = "Also run ignored, disabled and hidden tests." };
        var output = new Option<string>("--out") { Description = "Directory for results.json and junit.xml (and with --coverage lcov.info, coverage.cobertura.xml).", DefaultValueFactory = _ => "harness-out" };
        var coverage = new Option<bool>("--coverage") { Description = "Run every test process under breakpoint line coverage and merge the hits per suite." };
        var perTest = new Option<bool>("--per-test-coverage") { Description = "Like --coverage, and record in results.json which tests ran each line (one test a process)." };
        var include = new Option<string[]>("--include") { Description = "With --coverage: glob of source files to cover (repeatable)." };
        var exclude = new Option<string[]>("--exclude") { Description = "With --coverage: glob of source files to leave out (repeatable)." };
        var repeat = new Option<int>("--repeat") { Description = "Run the selection N times (whole passes, so each test's runs interleave with the others') for timing distributions.", DefaultValueFactory = _ => 1 };
        var warmup = new Option<int>("--warmup") { Description = "Passes to run first and discard.", DefaultValueFactory = _ => 0 };
        var history = new Option<string?>("--history") { Description = TestHistory.OptionDescription };
        var noHistory = new Option<bool>("--no-history") { Description = "Do not record the run in the timing history." };
        var profile = new Option<bool>("--profile") { Description = "Sample every test process's call stacks (one test a process): profile.json and profile/ (folded stacks, speedscope) per test." };
        var noTests = new Option<string>("--no-tests")
        {
            Description = "When the selection has no tests: fail (exit 4, the default), warn (exit 0 with a warning) or pass.",
            DefaultValueFactory = _ => "fail",
        };
        noTests.AcceptOnlyFromAmong("fail", "warn", "pass");
        var profileRate = new Option<int>("--profile-rate") { Description = "With --profile: samples per second per thread (1–10000).", DefaultValueFactory = _ => ProfileCollector.DefaultRate };
        var affected = new Option<bool>("--affected") { Description = "Run only the tests the change since the impact maps can reach (git diff plus uncommitted and untracked files; maps from --per-test-coverage runs in the history)." };
        var since = new Option<string?>("--since") { Description = "With --affected: the change since REF (default HEAD); maps recorded at REF or an ancestor are used." };
        var affectedIgnore = new Option<string[]>("--affected-ignore") { Description = "With --affected: glob of changed files that do not select every test (docs, data; repeatable)." };
        var quarantineFlaky = new Option<bool>("--quarantine-flaky") { Description = "Tests the history knows as flaky (harness flaky) run, but their failures do not fail the run." };
        var noCapture = new Option<bool>("--no-capture") { Description = "Print each line a test prints as it prints it, prefixed with the test's name (stdout to stdout, stderr to stderr); every test then runs in a process of its own." };
        var maxOutput = new Option<string>("--max-output") { Description = "Output kept per test and stream: the first and last half, the middle elided (bytes; K, M suffixes; 0 keeps all).", DefaultValueFactory = _ => "1M" };
        var command = new Command("test", "Run native test suites: parallel, isolated, with timeouts, retries and results files.")
        {
            suites, kind, jobs, timeout, retries, flakyFails, filters, labels, excludeLabels, exact, partition, failFast, runIgnored, output, coverage, perTest, include, exclude,
            repeat, warmup, history, noHistory, profile, profileRate, noCapture, maxOutput, noTests, affected, since, affectedIgnore, quarantineFlaky,
        };
        var cargo = new CargoOptions();
        foreach (var option in cargo.All)
        {
            command.Options.Add(option);
        }
        var branches = new BranchOptions();
        branches.AddTo(command);
        command.SetAction((result, cancellation) => Task.FromResult(Run(new Settings(
            result.GetValue(suites) is { Length: > 0 } given ? given : ["."],
            result.GetValue(kind),
            result.GetValue(jobs),
            result.GetValue(timeout),
            result.GetValue(retries),
            result.GetValue(flakyFails),
            result.GetValue(filters) ?? [],
            result.GetValue(exact),
            result.GetValue(partition),
            result.GetValue(failFast),
            result.GetValue(runIgnored),
            result.GetValue(output)!,
            result.GetValue(coverage) || result.GetValue(perTest),
            result.GetValue(perTest),
            result.GetValue(include) ?? [],
            result.GetValue(exclude) ?? [],
            result.GetValue(repeat),
            result.GetValue(warmup),
            result.GetValue(noHistory) ? null : TestHistory.PathFor(result.GetValue(history), result.GetValue(suites)))
        {
            ProfileRate = result.GetValue(profile) ? result.GetValue(profileRate) : null,
            MaxOutput = result.GetValue(maxOutput)!,
            NoCapture = result.GetValue(noCapture),
            NoTests = result.GetValue(noTests) ?? "fail",
            Affected = result.GetValue(affected),
            Since = result.GetValue(since),
            AffectedIgnore = result.GetValue(affectedIgnore) ?? [],
            QuarantineFlaky = result.GetValue(quarantineFlaky),
            HistoryOption = result.GetValue(history),
            Labels = result.GetValue(labels) ?? [],
            ExcludeLabels = result.GetValue(excludeLabels) ?? [],
            CargoArguments = cargo.Arguments(result),
            Branches = branches.Value(result),
        }, cancellation)));
        return command;
    }

    private sealed record Settings(
        string[] Suites, SuiteKind Kind, int Jobs, double? Timeout, int Retries, bool FlakyFails, string[] Filters, bool Exact,
        string? Partition, bool FailFast, bool RunIgnored, string Output, bool Coverage, bool PerTestCoverage, string[] Includes, string[] Excludes,
        int Repeat, int Warmup, string? History)
    {
        /// <summary>With --profile: the sampling rate; null without.</summary>
        public int? ProfileRate { get; init; }

        /// <summary>--no-capture: stream each test's output lines to the console.</summary>
        public bool NoCapture { get; init; }

        /// <summary>--max-output as given (<c>1M</c>).</summary>
        public string MaxOutput { get; init; } = "1M";

        /// <summary>What an empty selection means: <c>fail</c>, <c>warn</c> or <c>pass</c> (nextest's <c>--no-tests</c>).</summary>
        public string NoTests { get; init; } = "fail";

        /// <summary>--affected, with --since REF and --affected-ignore globs.</summary>
        public bool Affected { get; init; }

        public string? Since { get; init; }

        public string[] AffectedIgnore { get; init; } = [];

        public bool QuarantineFlaky { get; init; }

        /// <summary>--history as given: the file --affected and --quarantine-flaky read also under --no-history, which only stops recording.</summary>
        public string? HistoryOption { get; init; }

        /// <summary>The history file the run reads from (resolved only when a selection needs it: for cargo that asks cargo metadata).</summary>
        public string ReadHistory => History ?? TestHistory.PathFor(HistoryOption, Suites);

        /// <summary>--label and --exclude-label expressions.</summary>
        public string[] Labels { get; init; } = [];

        public string[] ExcludeLabels { get; init; } = [];

        /// <summary>cargo's options for cargo suites (<see cref="CargoOptions"/>).</summary>
        public IReadOnlyList<string> CargoArguments { get; init; } = [];
        /// <summary>With --coverage: --branches / --all-branches.</summary>
        public BranchCoverage Branches { get; init; }
    }

    /// <summary>The selection had no tests (nextest's <c>NO_TESTS_RUN</c>).</summary>
    private const int NoTestsRun = 4;

    private static int Run(Settings settings, CancellationToken cancellation)
    {
        var request = new RunRequest
        {
            Suites = [.. settings.Suites.Select(suite => new SuiteSpec(suite, settings.Kind) { CargoArguments = settings.CargoArguments })],
            Jobs = settings.Jobs,
            Retries = settings.Retries,
            FlakyFails = settings.FlakyFails,
            FailFast = settings.FailFast,
            Timeout = settings.Timeout is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            RunIgnored = settings.RunIgnored,
            Repeat = settings.Repeat,
            Warmup = settings.Warmup,
            Coverage = settings.Coverage ? new CoverageRequest(new SourceSelection(settings.Includes, settings.Excludes), settings.PerTestCoverage, settings.Branches) : null,
            ProfileRate = settings.ProfileRate,
            Affected = settings.Affected ? new AffectedTests(settings.ReadHistory, Environment.CurrentDirectory, settings.Since, settings.AffectedIgnore) : null,
            StreamOutput = settings.NoCapture,
        };
        if (!settings.Affected && (settings.Since is not null || settings.AffectedIgnore.Length > 0))
        {
            Console.Error.WriteLine("harness: --since and --affected-ignore need --affected");
            return 2;
        }
        if (settings.Branches != BranchCoverage.Off && !settings.Coverage)
        {
            Console.Error.WriteLine("harness: --branches and --all-branches need --coverage");
            return 2;
        }
        if (request.Problem() is { } problem)
        {
            Console.Error.WriteLine($"harness: {problem}");
            return 2;
        }
        if (!OutputSize.TryParse(settings.MaxOutput, out var maxOutput))
        {
            Console.Error.WriteLine($"harness: --max-output {settings.MaxOutput}: expected a size in bytes such as 65536, 512K or 1M (0 keeps all output)");
            return 2;
        }
        try
        {
            request = request with { Selection = new TestSelection(settings.Filters, settings.Exact, settings.Partition, settings.Labels, settings.ExcludeLabels), MaxOutput = maxOutput };
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"harness: {e.Message}");
            return 2;
        }
        // Before the build: a build that fails must not leave the previous run's green junit.xml behind.
        using var outputDirectory = OutputDirectory.TryOpen(settings.Output, ["results.json", "junit.xml", .. CoverageWriters.FileNames, "profile.json", "profile"]);
        if (outputDirectory is null)
        {
            return 2;
        }

        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        // Ctrl-C, CI cancellation, `timeout`, `docker stop` and a closed terminal all stop the run the same way: the
        // running tests' processes are killed, the rest are not started, and the partial results are written.
        var received = 0;
        PosixSignalRegistration Stop(PosixSignal signal, int number) => PosixSignalRegistration.Create(signal, c =>
        {
            c.Cancel = true;
            Interlocked.CompareExchange(ref received, number, 0);
            interrupted.Cancel();
        });
        using var sigint = Stop(PosixSignal.SIGINT, 2);
        using var sigterm = Stop(PosixSignal.SIGTERM, 15);
        using var sighup = Stop(PosixSignal.SIGHUP, 1);
        IReportWriter[] writers = settings.Coverage ? [new JUnitWriter(), .. CoverageWriters.All] : [new JUnitWriter()];
        var profiles = settings.ProfileRate is null ? null : new ProfileSink(settings.Output, 10);
        var history = settings.History is null ? null : new HistorySink(settings.History, TestHistory.Start(settings.Suites, settings.Repeat, settings.Warmup));
        IReadOnlySet<string> quarantined;
        try
        {
            quarantined = settings.QuarantineFlaky ? FlakyCommand.Quarantined(settings.ReadHistory) : new HashSet<string>();
        }
        catch (HarnessException e)
        {
            Console.Error.WriteLine(ErrorLine.For(e));
            return 2;
        }
        // The summary after the files: it names where they are, so it follows their writing (a failure stops the run first).
        IRunSink?[] sinks =
        [
            new AffectedOutput(), new TestProgress(settings.FlakyFails), new ReportFilesSink(settings.Output, writers), new ResultsFileSink(settings.Output), profiles,
            new TestSummary(settings.Output, Environment.GetEnvironmentVariable) { Quarantined = quarantined, Affected = settings.Affected }, history,
        ];
        RunSummary summary;
        try
        {
            summary = new TestRun(request).Run(sinks.OfType<IRunSink>(), interrupted.Token);
        }
        catch (HarnessException e)
        {
            Console.Error.WriteLine(ErrorLine.For(e));
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"harness: {settings.Output}: cannot write results: {e.Message}");
            return 2;
        }
        if (history?.Error is { } historyError)
        {
            Console.Error.WriteLine($"harness: {historyError}");
        }
        if (history?.Line is { } historyLine)
        {
            Console.WriteLine(historyLine);
        }
        Console.Write(profiles?.Text);

        // Under --affected an empty selection is an answer (the change reaches no test), not a mistake.
        if (summary.Selected == 0 && !summary.Cancelled && settings.NoTests != "pass" && !(settings.Affected && summary.NotAffected > 0))
        {
            Console.Error.WriteLine($"harness: {(settings.NoTests == "fail" ? "error" : "warning")}: no tests to run ({summary.Listed} listed, none selected; --no-tests pass|warn|fail)");
            if (settings.NoTests == "fail")
            {
                return NoTestsRun;
            }
        }
        // Interrupted: 128 + the signal, as a shell reports a program the signal killed (SIGINT 130, SIGTERM 143,
        // SIGHUP 129), so `timeout` and CI see the signal they sent; System.CommandLine's own Ctrl-C is SIGINT.
        if (interrupted.IsCancellationRequested)
        {
            return 128 + (Volatile.Read(ref received) is > 0 and var signal ? signal : 2);
        }
        return summary.Failed.Any(f => !quarantined.Contains(f.Test.FullyQualifiedName)) ? 1 : 0;
    }
}
