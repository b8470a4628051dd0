using Harness.Core.Model;
using Harness.Core.Runs;
using Harness.Core.Suites;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;
using EngineTest = Harness.Core.Model.TestCase;
using VsTestCase = Microsoft.VisualStudio.TestPlatform.ObjectModel.TestCase;
using VsTestOutcome = Microsoft.VisualStudio.TestPlatform.ObjectModel.TestOutcome;
using VsTestResult = Microsoft.VisualStudio.TestPlatform.ObjectModel.TestResult;

namespace Harness.TestAdapter;

/// <summary>
/// Runs native tests as one engine <see cref="TestRun"/> per test source (parallel, retries, timeouts, coverage),
/// with the VSTest recorder and the coverage file as its sinks. <see cref="Cancel"/> stops the run; the engine kills
/// the running process groups.
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

    /// <summary>
    /// Runs tests an IDE or a previous discovery chose, from the engine test case each one carries: no build and no
    /// listing. Cases that carry none (an older discovery) are found again by their names in a fresh listing.
    /// </summary>
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
            var carried = group.Select(vs => (Engine: VsTestConversion.ToEngineTest(vs), Vs: vs)).ToList();
            var chosen = carried.Where(t => t.Engine is not null).Select(t => (t.Engine!, t.Vs)).ToList();
            var wanted = carried.Where(t => t.Engine is null).ToDictionary(t => t.Vs.FullyQualifiedName, t => t.Vs, StringComparer.Ordinal);
            if (wanted.Count > 0)
            {
                var listed = NativeTestDiscoverer.Discover(group.Key, frameworkHandle)
                    .Where(t => wanted.ContainsKey(t.Engine.FullyQualifiedName))
                    .Select(t => (t.Engine, wanted[t.Engine.FullyQualifiedName]))
                    .ToList();
                foreach (var missing in wanted.Keys.Except(listed.Select(t => t.Engine.FullyQualifiedName), StringComparer.Ordinal))
                {
                    frameworkHandle.RecordResult(new VsTestResult(wanted[missing])
                    {
                        Outcome = VsTestOutcome.NotFound,
                        ErrorMessage = "harness: this test is no longer in its suite's listing (rebuilt or renamed)",
                    });
                }
                chosen.AddRange(listed);
            }
            Run(group.Key, chosen, settings, runContext, frameworkHandle);
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
        var request = new RunRequest
        {
            Tests = [.. tests.Select(t => t.Engine)],
            Jobs = settings.Jobs,
            Retries = settings.Retries,
            Timeout = settings.Timeout,
            RunIgnored = settings.RunIgnored,
            Coverage = coverageDirectory is null ? null : new CoverageRequest(new Harness.Core.Coverage.SourceSelection(settings.Includes, settings.Excludes)),
        };
        IRunSink[] sinks = coverageDirectory is null
            ? [new VsTestRecorder(handle, tests)]
            : [new VsTestRecorder(handle, tests), new CoberturaFileSink(source, coverageDirectory, handle)];
        try
        {
            new TestRun(request).Run(sinks, _cancellation.Token);
        }
        catch (HarnessException e)
        {
            handle.SendMessage(TestMessageLevel.Error, $"harness: {Path.GetFileName(source)}: {e.Message}");
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
}
