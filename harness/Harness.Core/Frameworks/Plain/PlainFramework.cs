using Harness.Core.Frameworks;
using Harness.Core.Frameworks.CTest;
using Harness.Core.Model;

namespace Harness.Core.Frameworks.Plain;

/// <summary>Any other executable: one test, passed when the process exits 0, or judged by its CTest properties (<see cref="CTestVerdict"/>).</summary>
internal sealed class PlainFramework : ITestFramework
{
    public TestFramework Id => TestFramework.Plain;

    public ITestLister Lister { get; } = new PlainLister();

    public IReadOnlyList<string> Markers => [];

    public bool Recognizes(Func<string, bool> has) => true;

    public bool OneTestAProcess => true;

    public IReadOnlyList<TestResult> Run(IReadOnlyList<TestCase> tests, RunContext context) =>
        [.. tests.Select(test => test switch
        {
            { Binary.ListingError: { } error } => TestResult.WithoutRun(test, TestOutcome.Failed, error),
            { IsIgnored: true } when !context.RunIgnored => Results.Skipped(test, "disabled"),
            { Binary.CTest: { } properties } => CTestVerdict.Run(test, properties, context),
            _ => Results.FromExit(test, context.Start([]), context.Timeout),
        })];
}

/// <summary>
/// A binary without a test framework is one test that passes when it exits 0 (CTest's model). Nothing is
/// run: its name is the binary's own, <c>&lt;suite&gt;.&lt;binary id&gt;</c>, and there is no framework name to select.
/// </summary>
public sealed class PlainLister : ITestLister
{
    public IReadOnlyList<TestCase> List(TestBinary binary) =>
    [
        new TestCase(
            FullyQualifiedName: $"{binary.Suite}.{binary.BinaryId}",
            DisplayName: binary.BinaryId,
            FrameworkName: "",
            Binary: binary,
            SourceFile: binary.DeclaredAt?.File,
            SourceLine: binary.DeclaredAt?.Line,
            Traits: [],
            IsIgnored: false),
    ];
}
