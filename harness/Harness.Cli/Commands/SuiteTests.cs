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
        catch (SuiteException e) when (e.ExitCode is not null)
        {
            // A build tool failed: its errors were just streamed above; the message's copy of them would repeat them.
            var firstLine = e.Message.Split('\n')[0].TrimEnd(':');
            Console.Error.WriteLine($"harness: {firstLine}{(firstLine.Length < e.Message.Length ? " (errors above)" : "")}");
            return false;
        }
        catch (Exception e) when (e is SuiteException or TestListingException)
        {
            Console.Error.WriteLine($"harness: {e.Message}");
            return false;
        }
    }
}
