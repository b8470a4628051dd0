namespace Harness.Core.Suites.Frameworks;

/// <summary>Asks one kind of test binary which tests it holds.</summary>
public interface ITestLister
{
    /// <summary>Runs <paramref name="binary"/>'s own listing and returns its tests, each with a stable, unique name.</summary>
    /// <exception cref="TestListingException">The binary could not be started, failed, timed out or printed something unparseable.</exception>
    IReadOnlyList<TestCase> List(TestBinary binary);
}

/// <summary>Picks the lister for a binary's <see cref="TestFramework"/>.</summary>
public static class TestLister
{
    /// <summary>The lister that speaks <paramref name="framework"/>.</summary>
    public static ITestLister For(TestFramework framework) => framework switch
    {
        TestFramework.LibTest => new LibTestLister(),
        TestFramework.GoogleTest => new GoogleTestLister(),
        TestFramework.Catch2 => new Catch2Lister(),
        TestFramework.Plain => new PlainLister(),
        _ => throw new ArgumentOutOfRangeException(nameof(framework), framework, "unknown test framework"),
    };

    /// <summary>
    /// Lists the tests of <paramref name="binary"/> with the lister of its framework; the labels the build system
    /// gave the binary (CTest LABELS) become <c>label</c> traits of each of its tests.
    /// </summary>
    /// <exception cref="TestListingException">See <see cref="ITestLister.List"/>.</exception>
    public static IReadOnlyList<TestCase> List(TestBinary binary)
    {
        var tests = For(binary.Framework).List(binary);
        if (binary.Labels.Count == 0)
        {
            return tests;
        }
        TestTrait[] labels = [.. binary.Labels.Select(label => new TestTrait("label", label))];
        return [.. tests.Select(t => t with { Traits = [.. t.Traits, .. labels] })];
    }

    /// <summary>
    /// Lists several binaries, in parallel (each listing is a process or two and a DWARF read), returning
    /// their tests in the binaries' order.
    /// </summary>
    /// <exception cref="TestListingException">See <see cref="ITestLister.List"/>; the first failure is rethrown as it was.</exception>
    public static IReadOnlyList<TestCase> ListAll(IReadOnlyList<TestBinary> binaries)
    {
        var listed = new IReadOnlyList<TestCase>[binaries.Count];
        try
        {
            Parallel.For(0, binaries.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => listed[i] = List(binaries[i]));
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault() is TestListingException first)
        {
            throw first;
        }
        return [.. listed.SelectMany(tests => tests)];
    }
}
