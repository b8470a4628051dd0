using Harness.Core.Suites.Discovery;

namespace Harness.Cli.Commands;

/// <summary>The one line a front end prints for an engine error.</summary>
internal static class ErrorLine
{
    public static string For(HarnessException error) => error switch
    {
        // A build tool failed: its errors were just streamed above; the message's copy of them would repeat them.
        SuiteException { ExitCode: not null } => error.Message.Split('\n')[0].TrimEnd(':') is var first && first.Length < error.Message.Length
            ? $"harness: {first} (errors above)"
            : $"harness: {first}",
        _ => $"harness: {error.Message}",
    };
}
