using Harness.Core.Runs;

namespace Harness.Cli.Commands;

/// <summary>What <c>--affected</c> chose, before the tests run: each selected test with its reason, and how many were skipped.</summary>
internal sealed class AffectedOutput : IRunSink
{
    public void Handle(RunEvent runEvent)
    {
        if (runEvent is not AffectedChosen { Selection: var selection })
        {
            return;
        }
        Console.WriteLine(selection.Base is { } commit
            ? $"harness: --affected: change since {commit}: {selection.Selected.Count} tests selected, {selection.Skipped.Count} skipped"
            : $"harness: --affected: no impact maps in the history for these suites: all {selection.Selected.Count} tests selected (run with --per-test-coverage to record them)");
        foreach (var choice in selection.Selected)
        {
            Console.WriteLine($"  {choice.Test.FullyQualifiedName}: {choice.Reason}");
        }
    }
}
