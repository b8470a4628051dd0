using Harness.Core.Frameworks;
using Harness.Core.Model;

namespace Harness.Core.Frameworks.GoogleTest;

/// <summary>GoogleTest: listed with <c>--gtest_list_tests</c>, run in batches with <c>--gtest_filter</c>.</summary>
internal sealed class GoogleTestFramework : ITestFramework
{
    private readonly GoogleTestRunner _runner = new();

    public TestFramework Id => TestFramework.GoogleTest;

    public ITestLister Lister { get; } = new GoogleTestLister();

    public IReadOnlyList<string> Markers { get; } =
    [
        "_ZN7testing8internal",  // testing::internal::…, referenced by every TEST() expansion
        "--gtest_list_tests",    // gtest's help text
        "GTEST_SHARD_INDEX",     // gtest's sharding variable
    ];

    public bool Recognizes(Func<string, bool> has) => has("_ZN7testing8internal") || (has("--gtest_list_tests") && has("GTEST_SHARD_INDEX"));

    public bool OneTestAProcess => false;

    public IReadOnlyList<TestResult> Run(IReadOnlyList<TestCase> tests, RunContext context) => _runner.Run(tests, context);
}
