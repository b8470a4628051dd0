using Harness.Core.Frameworks;
using Harness.Core.Model;

namespace Harness.Core.Frameworks.LibTest;

/// <summary>Rust's libtest: listed with <c>--list</c>, one process a test.</summary>
internal sealed class LibTestFramework : ITestFramework
{
    public TestFramework Id => TestFramework.LibTest;

    public ITestLister Lister { get; } = new LibTestLister();

    public bool OneTestAProcess => true;

    public IReadOnlyList<TestResult> Run(IReadOnlyList<TestCase> tests, RunContext context) =>
        [.. tests.Select(test => LibTestRunner.Run(test, context))];
}
