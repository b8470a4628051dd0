using Harness.Core.Frameworks;
using Harness.Core.Model;

namespace Harness.Core.Frameworks.LibTest;

/// <summary>Rust's libtest: listed with <c>--list</c>, one process a test.</summary>
internal sealed class LibTestFramework : ITestFramework
{
    public TestFramework Id => TestFramework.LibTest;

    public ITestLister Lister { get; } = new LibTestLister();

    public IReadOnlyList<string> Markers { get; } =
    [
        "--test-threads",     // libtest's help text
        "test_main_static",   // test::test_main_static, the entry of every libtest harness
        "library/test/src",   // libtest's panic locations, kept when stripped
    ];

    public bool Recognizes(Func<string, bool> has) => has("--test-threads") && (has("test_main_static") || has("library/test/src"));

    public bool OneTestAProcess => true;

    public IReadOnlyList<TestResult> Run(IReadOnlyList<TestCase> tests, RunContext context) =>
        [.. tests.Select(test => LibTestRunner.Run(test, context))];
}
