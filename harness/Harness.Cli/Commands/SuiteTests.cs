using Harness.Core.Suites;
using Harness.Core.Suites.Discovery;
using Harness.Core.Suites.Frameworks;

namespace Harness.Cli.Commands;

/// <summary>The tests of the suites named on the command line, as <c>list</c> and <c>test</c> both need them.</summary>
internal static class SuiteTests
{
    /// <summary>
    /// Discovers every suite (build output streamed to stderr) and lists its binaries' tests; on a build or
    /// listing failure prints one <c>harness: …</c> line and returns false (the caller exits 2).
    /// </summary>
    public static bool TryList(IEnumerable<string> suites, SuiteKind kind, out List<TestCase> tests)
    {
        tests = [];
        try
        {
            foreach (var suite in suites)
            {
                tests.AddRange(TestLister.ListAll(SuiteDiscovery.Discover(suite, kind, line => Console.Error.WriteLine(line))));
            }
            return true;
        }
        catch (Exception e) when (e is SuiteException or TestListingException)
        {
            Console.Error.WriteLine($"harness: {e.Message}");
            return false;
        }
    }
}
