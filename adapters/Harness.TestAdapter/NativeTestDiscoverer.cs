using Harness.Core.Suites;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;
using EngineTest = Harness.Core.Model.TestCase;
using VsTestCase = Microsoft.VisualStudio.TestPlatform.ObjectModel.TestCase;

namespace Harness.TestAdapter;

/// <summary>
/// Finds the native tests of managed test assemblies that carry a suite manifest (written by
/// <c>Harness.NativeTests.targets</c>); other assemblies have none and yield nothing.
/// </summary>
[FileExtension(".dll")]
[FileExtension(".exe")]
[DefaultExecutorUri(NativeTestExecutor.UriString)]
public sealed class NativeTestDiscoverer : ITestDiscoverer
{
    public void DiscoverTests(IEnumerable<string> sources, IDiscoveryContext discoveryContext, IMessageLogger logger, ITestCaseDiscoverySink discoverySink)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(discoverySink);
        foreach (var source in sources)
        {
            var tests = Discover(source, logger);
            var filter = TestFilter.From(discoveryContext, tests.Select(t => t.Vs), logger);
            foreach (var (_, vs) in tests.Where(t => filter.Matches(t.Vs)))
            {
                discoverySink.SendTestCase(vs);
            }
        }
    }

    /// <summary>
    /// The tests of one source, engine and VSTest views side by side; a failing suite is reported as an error
    /// and contributes none, so one broken build does not hide the rest.
    /// </summary>
    /// <remarks>The manifest's suites are listed by the engine's catalog, the same calls as <c>harness list</c>: discovered
    /// (cargo rebuilds incrementally), each suite's settings applied and its filter taken.</remarks>
    internal static List<(EngineTest Engine, VsTestCase Vs)> Discover(string source, IMessageLogger logger)
    {
        try
        {
            return [.. TestCatalog.List(SuiteManifest.ReadFor(source), line => logger.SendMessage(TestMessageLevel.Informational, line))
                .Select(test => (test, VsTestConversion.ToVsTestCase(test, source)))];
        }
        catch (Exception e) when (e is HarnessException or InvalidDataException or IOException)
        {
            logger.SendMessage(TestMessageLevel.Error, $"harness: {Path.GetFileName(source)}: {e.Message}");
            return [];
        }
    }
}
