using Harness.Core.Frameworks;
using Harness.Core.Model;

namespace Harness.Core.Frameworks.GoogleTest;

/// <summary>GoogleTest: listed with <c>--gtest_list_tests</c>, run in batches with <c>--gtest_filter</c>.</summary>
internal sealed class GoogleTestFramework : ITestFramework
{
    private readonly GoogleTestRunner _runner = new();

    public TestFramework Id => TestFramework.GoogleTest;

    public ITestLister Lister { get; } = new GoogleTestLister();

    public bool OneTestAProcess => false;

    public IReadOnlyList<TestResult> Run(IReadOnlyList<TestCase> tests, RunContext context) => _runner.Run(tests, context);
}
