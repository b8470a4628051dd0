using Harness.Core.Coverage;
using Harness.Core.Suites.Execution;
using VsTestOutcome = Microsoft.VisualStudio.TestPlatform.ObjectModel.TestOutcome;
using VsTestResult = Microsoft.VisualStudio.TestPlatform.ObjectModel.TestResult;
using Harness.Core.Suites.Running;
using Harness.Reporters.Coverage;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;
using EngineTest = Harness.Core.Suites.TestCase;
using VsTestCase = Microsoft.VisualStudio.TestPlatform.ObjectModel.TestCase;

namespace Harness.TestAdapter;

/// <summary>
/// Runs native tests through the engine's <see cref="TestRunner"/> (parallel, retries, timeouts, coverage) and
/// reports each as it finishes. <see cref="Cancel"/> stops the run; the engine kills the running process groups.
/// </summary>
[ExtensionUri(UriString)]
public sealed class NativeTestExecutor : ITestExecutor
{
    public const string UriString = "executor://harness/native";

    /// <summary>Set by the Native Coverage data collector in the test host's environment: run under the tracer and
    /// write one Cobertura file per source into this directory.</summary>
    public const string CoverageDirectoryVariable = "HARNESS_COVERAGE_DIR";

    public static readonly Uri Uri = new(UriString);

    private readonly CancellationTokenSource _cancellation = new();

    public void RunTests(IEnumerable<string>? sources, IRunContext? runContext, IFrameworkHandle? frameworkHandle)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(frameworkHandle);
        if (!TrySettings(runContext, frameworkHandle, out var settings))
        {
            return;
        }
        foreach (var source in sources)
        {
            var tests = NativeTestDiscoverer.Discover(source, frameworkHandle);
            var filter = TestFilter.From(runContext, tests.Select(t => t.Vs), frameworkHandle);
            Run(source, [.. tests.Where(t => filter.Matches(t.Vs))], settings, runContext, frameworkHandle);
        }
    }

    /// <summary>Runs tests an IDE or a previous discovery chose, found again by their names in a fresh listing.</summary>
    public void RunTests(IEnumerable<VsTestCase>? tests, IRunContext? runContext, IFrameworkHandle? frameworkHandle)
    {
        ArgumentNullException.ThrowIfNull(tests);
        ArgumentNullException.ThrowIfNull(frameworkHandle);
        if (!TrySettings(runContext, frameworkHandle, out var settings))
        {
            return;
        }
        foreach (var group in tests.GroupBy(t => t.Source, StringComparer.Ordinal))
        {
            var wanted = group.ToDictionary(t => t.FullyQualifiedName, StringComparer.Ordinal);
            var listed = NativeTestDiscoverer.Discover(group.Key, frameworkHandle)
                .Where(t => wanted.ContainsKey(t.Engine.FullyQualifiedName))
                .Select(t => (t.Engine, wanted[t.Engine.FullyQualifiedName]))
                .ToList();
            foreach (var missing in wanted.Keys.Except(listed.Select(t => t.Engine.FullyQualifiedName), StringComparer.Ordinal))
            {
                var result = new VsTestResult(wanted[missing])
                {
                    Outcome = VsTestOutcome.NotFound,
                    ErrorMessage = "harness: this test is no longer in its suite's listing (rebuilt or renamed)",
                };
                frameworkHandle.RecordResult(result);
            }
            Run(group.Key, listed, settings, runContext, frameworkHandle);
        }
    }

    public void Cancel() => _cancellation.Cancel();

    private static bool TrySettings(IRunContext? runContext, IMessageLogger logger, out HarnessSettings settings)
    {
        try
        {
            settings = HarnessSettings.Parse(runContext?.RunSettings?.SettingsXml);
            return true;
        }
        catch (FormatException e)
        {
            logger.SendMessage(TestMessageLevel.Error, $"harness: run settings: {e.Message}");
            settings = HarnessSettings.Default;
            return false;
        }
    }

    private void Run(string source, IReadOnlyList<(EngineTest Engine, VsTestCase Vs)> tests, HarnessSettings settings, IRunContext? runContext, IFrameworkHandle handle)
    {
        if (tests.Count == 0)
        {
            return;
        }
        var coverageDirectory = CoverageDirectory(settings, runContext);
        var coverage = coverageDirectory is null
            ? null
            : new CoverageCollector(new CoveragePlanner(new SourceSelection(settings.Includes, settings.Excludes)));
        var options = new RunOptions(
            settings.Jobs, settings.Retries, FlakyFails: false, FailFast: false,
            new ExecutionOptions(settings.Timeout, ExecutionOptions.DefaultKillGrace, settings.RunIgnored, coverage));
        var byName = tests.ToDictionary(t => t.Engine.FullyQualifiedName, t => t.Vs, StringComparer.Ordinal);
        var engineTests = tests.Select(t => t.Engine).ToList();

        // The runner reports a test once it is final (after retries), one call at a time: start and end are
        // recorded together, which is what loggers and test explorers need.
        TestRunner.Run(engineTests, options, finished =>
        {
            var vs = byName[finished.Test.FullyQualifiedName];
            handle.RecordStart(vs);
            var result = VsTestConversion.ToVsTestResult(finished, vs);
            handle.RecordEnd(vs, result.Outcome);
            handle.RecordResult(result);
        }, _cancellation.Token);

        if (coverage is not null && coverageDirectory is not null)
        {
            WriteCoverage(source, coverage, coverageDirectory, handle);
        }
    }

    /// <summary>Where this run's coverage goes: the collector's directory, else the results directory when
    /// the run settings ask for coverage; none when neither does.</summary>
    private static string? CoverageDirectory(HarnessSettings settings, IRunContext? runContext)
    {
        if (Environment.GetEnvironmentVariable(CoverageDirectoryVariable) is { Length: > 0 } fromCollector)
        {
            return fromCollector;
        }
        return settings.Coverage ? runContext?.TestRunDirectory ?? Directory.GetCurrentDirectory() : null;
    }

    private static void WriteCoverage(string source, CoverageCollector coverage, string directory, IMessageLogger logger)
    {
        var path = Path.Combine(directory, $"{Path.GetFileNameWithoutExtension(source)}.{Guid.NewGuid():N}.native.cobertura.xml");
        try
        {
            Directory.CreateDirectory(directory);
            var report = coverage.Report();
            using (var file = File.Create(path))
            {
                new CoberturaWriter().Write(report, file);
            }
            foreach (var warning in coverage.Planner.Warnings)
            {
                logger.SendMessage(TestMessageLevel.Warning, $"harness: coverage: {warning}");
            }
            logger.SendMessage(TestMessageLevel.Informational,
                $"harness: native coverage {report.LinesCovered}/{report.LinesValid} lines in {report.Files.Count} files: {path}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.SendMessage(TestMessageLevel.Error, $"harness: {path}: cannot write coverage: {e.Message}");
        }
    }
}
