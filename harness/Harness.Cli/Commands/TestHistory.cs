using Harness.Core.History;

namespace Harness.Cli.Commands;

/// <summary>Where <c>harness test</c> records its timing history (<c>.harness/history.db</c> unless told otherwise), and the run's metadata.</summary>
internal static class TestHistory
{
    public static readonly string DefaultPath = Path.Combine(".harness", "history.db");

    /// <summary>The run's metadata, taken when it starts (commit and branch of the current directory).</summary>
    public static RunInfo Start(IEnumerable<string> suites, int repeat, int warmup) =>
        RunMetadata.Capture(Environment.CurrentDirectory, suites, repeat, warmup);
}
