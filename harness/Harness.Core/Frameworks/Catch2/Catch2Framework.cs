using Harness.Core.Frameworks;
using Harness.Core.Model;

namespace Harness.Core.Frameworks.Catch2;

/// <summary>Catch2 v2: listed with <c>--list-test-names-only</c>, run in batches of escaped specs.</summary>
internal sealed class Catch2Framework : ITestFramework
{
    private readonly Catch2Runner _runner = new();

    public TestFramework Id => TestFramework.Catch2;

    public ITestLister Lister { get; } = new Catch2Lister();

    public bool OneTestAProcess => false;

    public IReadOnlyList<TestResult> Run(IReadOnlyList<TestCase> tests, RunContext context) => _runner.Run(tests, context);
}
