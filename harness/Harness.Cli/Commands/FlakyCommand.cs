using System.CommandLine;
using System.Globalization;
using Harness.Core.History;

namespace Harness.Cli.Commands;

/// <summary>
/// <c>harness flaky [SUITE…] [--history PATH] [--last N]</c>: the tests whose outcome changed between runs at one
/// commit and one binary (<see cref="FlakyTests"/>), with their pass and fail counts and last failure message.
/// Exit 0 (also when there are none), 2 when the history cannot be read.
/// </summary>
internal static class FlakyCommand
{
    public const int DefaultRuns = 50;

    public static Command Create()
    {
        var suites = new Argument<string[]>("SUITE") { Description = "Suites whose default history to read (as for harness test; default: the current directory).", Arity = ArgumentArity.ZeroOrMore };
        var history = new Option<string?>("--history") { Description = TestHistory.OptionDescription };
        var last = new Option<int>("--last") { Description = "How many of the newest runs to compare.", DefaultValueFactory = _ => DefaultRuns };
        var command = new Command("flaky", "List tests that passed and failed at the same commit and binary, from the timing history.") { suites, history, last };
        command.SetAction(result => Run(TestHistory.PathFor(result.GetValue(history), result.GetValue(suites)), result.GetValue(last)));
        return command;
    }

    private static int Run(string path, int last)
    {
        if (last < 1)
        {
            Console.Error.WriteLine("harness: --last must be ≥ 1");
            return 2;
        }
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"harness: {path}: no timing history (run harness test first)");
            return 2;
        }
        IReadOnlyList<FlakyTest> flaky;
        try
        {
            using var store = SqliteHistoryStore.Open(path);
            flaky = FlakyTests.Find(store, last);
        }
        catch (HistoryException e)
        {
            Console.Error.WriteLine($"harness: {e.Message}");
            return 2;
        }
        foreach (var test in flaky)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{test.Test}: {test.Passed} passed, {test.Failed} failed at {test.Commit[..Math.Min(12, test.Commit.Length)]}{(test.LastFailure is { } message ? $"; last failure: {OneLine(message)}" : "")}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"harness: {flaky.Count} flaky tests in the last {last} runs of {path}"));
        return 0;
    }

    /// <summary>The tests to quarantine under <c>harness test --quarantine-flaky</c>: the flaky ones of the newest runs.</summary>
    public static IReadOnlySet<string> Quarantined(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return new HashSet<string>();
        }
        using var store = SqliteHistoryStore.Open(path);
        return FlakyTests.Find(store, DefaultRuns).Select(f => f.Test).ToHashSet(StringComparer.Ordinal);
    }

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 200 ? line : line[..200] + "…";
    }
}
