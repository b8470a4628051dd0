using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Suites.Discovery;

namespace Harness.Core.Suites;

/// <summary>
/// The tests of a suite as every front end sees them (<c>harness list</c>, <c>harness test</c>, the adapter's
/// discovery): discovered (cargo builds incrementally), the suite's own settings applied to each binary, listed (a
/// binary that cannot be listed is one failing test, <see cref="TestLister.ListAll"/>),
/// and the suite's own filters taken.
/// </summary>
public static class TestCatalog
{
    /// <param name="buildOutput">Receives the build and listing tools' lines as they come, one call at a time.</param>
    /// <exception cref="SuiteException">The suite could not be discovered (missing, or its build failed).</exception>
    public static IReadOnlyList<TestCase> List(SuiteSpec suite, Action<string>? buildOutput = null) => Catalog(suite, buildOutput).Tests;

    /// <summary>
    /// The suite's tests and every test binary it has, also those that list no test or whose tests the suite's
    /// filters leave out (their line tables still count under coverage: 0 lines run, not absent).
    /// </summary>
    /// <inheritdoc cref="List(SuiteSpec, Action{string}?)"/>
    public static SuiteCatalog Catalog(SuiteSpec suite, Action<string>? buildOutput = null)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var binaries = SuiteDiscovery.Discover(suite.Path, suite.Kind, buildOutput, suite.BuildEnvironment, suite.CargoArguments)
            .Select(suite.Apply)
            .ToList();
        var listed = TestLister.ListAll(binaries);
        return new SuiteCatalog(binaries, suite.Filters.Count == 0 ? listed : new TestSelection(suite.Filters).Apply(listed));
    }

    /// <summary>The tests of several suites, in their order.</summary>
    public static IReadOnlyList<TestCase> List(IEnumerable<SuiteSpec> suites, Action<string>? buildOutput = null)
    {
        ArgumentNullException.ThrowIfNull(suites);
        return [.. suites.SelectMany(suite => List(suite, buildOutput))];
    }
}

/// <summary>A suite as listed: all its test binaries and the tests its filters keep.</summary>
public sealed record SuiteCatalog(IReadOnlyList<TestBinary> Binaries, IReadOnlyList<TestCase> Tests);
