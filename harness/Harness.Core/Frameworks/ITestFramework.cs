using Harness.Core.Frameworks.Catch2;
using Harness.Core.Frameworks.GoogleTest;
using Harness.Core.Frameworks.LibTest;
using Harness.Core.Frameworks.Plain;
using Harness.Core.Model;

namespace Harness.Core.Frameworks;

/// <summary>Asks one kind of test binary which tests it holds.</summary>
public interface ITestLister
{
    /// <summary>Runs <paramref name="binary"/>'s own listing and returns its tests, each with a stable, unique name.</summary>
    /// <exception cref="TestListingException">The binary could not be started, failed, timed out or printed something unparseable.</exception>
    IReadOnlyList<TestCase> List(TestBinary binary);
}

/// <summary>
/// Everything the engine knows about one test framework: how to list a binary and how to run its tests. Each
/// framework is one folder of <c>Frameworks/</c> (lister, runner, output parser, spec escaping) with one class
/// implementing this; <see cref="TestFrameworks"/> is where it is registered.
/// </summary>
internal interface ITestFramework
{
    TestFramework Id { get; }

    ITestLister Lister { get; }

    /// <summary>
    /// ASCII strings that land in an executable from the framework's own code (mangled symbols, help text, source
    /// paths), so <see cref="FrameworkDetection"/> can tell it without running the binary.
    /// </summary>
    IReadOnlyList<string> Markers { get; }

    /// <summary>Whether the markers found (<paramref name="has"/>) make a binary this framework's. Asked in registration order.</summary>
    bool Recognizes(Func<string, bool> has);

    /// <summary>True when each test needs a process of its own (libtest, plain); false when a process runs a batch.</summary>
    bool OneTestAProcess { get; }

    /// <summary>Runs <paramref name="tests"/>, all of <see cref="RunContext.Binary"/>; exactly one result per test, in their order.</summary>
    /// <exception cref="OperationCanceledException">Cancelled; the running process group was killed.</exception>
    IReadOnlyList<TestResult> Run(IReadOnlyList<TestCase> tests, RunContext context);
}

/// <summary>The registered frameworks, by <see cref="TestFramework"/>.</summary>
internal static class TestFrameworks
{
    /// <summary>In detection order: libtest first (a Rust crate named <c>testing</c> or <c>Catch</c> would mangle into the C++
    /// markers), plain last (it recognises everything).</summary>
    public static IReadOnlyList<ITestFramework> All { get; } = [new LibTestFramework(), new GoogleTestFramework(), new Catch2Framework(), new PlainFramework()];

    public static ITestFramework For(TestFramework framework) =>
        All.FirstOrDefault(f => f.Id == framework) ?? throw new ArgumentOutOfRangeException(nameof(framework), framework, "unknown test framework");
}

/// <summary>Lists binaries with the lister of their framework.</summary>
public static class TestLister
{
    /// <summary>The lister that speaks <paramref name="framework"/>.</summary>
    public static ITestLister For(TestFramework framework) => TestFrameworks.For(framework).Lister;

    /// <summary>
    /// Lists the tests of <paramref name="binary"/> with the lister of its framework; the labels the build system
    /// gave the binary (CTest LABELS); a GoogleTest or Catch2 binary that lists no tests is one plain test; the labels become <c>label</c> traits of each of its tests, only the tests it <see cref="TestBinary.Selected"/> are kept, and a DISABLED CTest entry's tests are all ignored.
    /// </summary>
    /// <exception cref="TestListingException">See <see cref="ITestLister.List"/>.</exception>
    public static IReadOnlyList<TestCase> List(TestBinary binary)
    {
        ArgumentNullException.ThrowIfNull(binary);
        var tests = For(binary.Framework).List(binary);
        if (tests.Count == 0 && binary.Framework is TestFramework.GoogleTest or TestFramework.Catch2)
        {
            // A C++ test binary that lists nothing (its own main, tests registered at run time) is run whole, as ctest runs it.
            tests = For(TestFramework.Plain).List(binary with { Framework = TestFramework.Plain });
        }
        if (binary.Selected is { } selected)
        {
            var names = selected.ToHashSet(StringComparer.Ordinal);
            tests = [.. tests.Where(t => names.Contains(t.FrameworkName))];
        }
        var disabled = binary.CTest?.Disabled == true;
        if (binary.Labels.Count == 0 && !disabled)
        {
            return tests;
        }
        TestTrait[] labels = [.. binary.Labels.Select(label => new TestTrait("label", label))];
        return [.. tests.Select(t => t with { Traits = [.. t.Traits, .. labels], IsIgnored = t.IsIgnored || disabled })];
    }

    /// <summary>
    /// Lists several binaries, in parallel (each listing is a process or two and a DWARF read), returning
    /// their tests in the binaries' order. A binary that cannot be listed is one test that fails with the listing's
    /// error (<see cref="TestBinary.ListingError"/>), so the rest of its suite still runs.
    /// </summary>
    public static IReadOnlyList<TestCase> ListAll(IReadOnlyList<TestBinary> binaries)
    {
        ArgumentNullException.ThrowIfNull(binaries);
        var listed = new IReadOnlyList<TestCase>[binaries.Count];
        Parallel.For(0, binaries.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            try
            {
                listed[i] = List(binaries[i]);
            }
            catch (TestListingException e)
            {
                listed[i] = List(binaries[i] with { Framework = TestFramework.Plain, ListingError = e.Message });
            }
        });
        return [.. listed.SelectMany(tests => tests)];
    }
}
