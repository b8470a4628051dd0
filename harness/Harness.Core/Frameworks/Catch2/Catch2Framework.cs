using Harness.Core.Frameworks;
using Harness.Core.Model;

namespace Harness.Core.Frameworks.Catch2;

/// <summary>Catch2 v2: listed with <c>--list-test-names-only</c>, run in batches of escaped specs.</summary>
internal sealed class Catch2Framework : ITestFramework
{
    private readonly Catch2Runner _runner = new();

    public TestFramework Id => TestFramework.Catch2;

    public ITestLister Lister { get; } = new Catch2Lister();

    public IReadOnlyList<string> Markers { get; } =
    [
        "_ZN5Catch",     // Catch::…
        "--list-tests",  // Catch2's help text
        "Catch::",       // Catch2's assertion and function names (__PRETTY_FUNCTION__)
    ];

    public bool Recognizes(Func<string, bool> has) => has("_ZN5Catch") || (has("--list-tests") && has("Catch::"));

    public bool OneTestAProcess => false;

    public IReadOnlyList<TestResult> Run(IReadOnlyList<TestCase> tests, RunContext context) => _runner.Run(tests, context);
}
