using Harness.Core.Suites;
using Harness.Core.Suites.Discovery;
using Harness.Core.Suites.Frameworks;
using Harness.Core.Suites.Running;

namespace Harness.TestAdapter;

/// <summary>
/// The native tests of one test source: its manifest's suites discovered (cargo rebuilds incrementally) and
/// listed by the engine, each suite's manifest settings applied and its filter taken. The same calls as
/// <c>harness list</c>; only the result is converted to VSTest's model, by the caller.
/// </summary>
internal static class SourceTests
{
    /// <summary>Lists the tests of <paramref name="source"/> (none when it has no manifest).</summary>
    /// <param name="source">A managed test assembly with a manifest next to it.</param>
    /// <param name="buildOutput">Receives the build and listing tools' lines.</param>
    /// <exception cref="SuiteException">A suite could not be discovered (missing, or its build failed).</exception>
    /// <exception cref="TestListingException">A binary could not list its tests.</exception>
    /// <exception cref="InvalidDataException">The manifest is malformed.</exception>
    public static IReadOnlyList<TestCase> List(string source, Action<string> buildOutput)
    {
        var tests = new List<TestCase>();
        foreach (var suite in SuiteManifest.ReadFor(source))
        {
            var binaries = SuiteDiscovery.Discover(suite.Path, suite.Kind, buildOutput, suite.BuildEnvironment)
                .Select(binary => Apply(suite, binary))
                .ToList();
            var listed = TestLister.ListAll(binaries);
            tests.AddRange(new TestSelection(suite.Filters).Apply(listed));
        }
        return tests;
    }

    /// <summary>The suite item's metadata wins over what the build system declared.</summary>
    private static TestBinary Apply(NativeSuite suite, TestBinary binary)
    {
        var environment = new Dictionary<string, string>(binary.Environment, StringComparer.Ordinal);
        foreach (var (name, value) in suite.Environment)
        {
            environment[name] = value;
        }
        return binary with
        {
            WorkingDirectory = suite.WorkingDirectory ?? binary.WorkingDirectory,
            Environment = environment,
            Timeout = suite.Timeout ?? binary.Timeout,
        };
    }
}
