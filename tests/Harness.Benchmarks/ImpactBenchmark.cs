using System.Diagnostics;
using Harness.Core.History;
using Harness.Testing;

namespace Harness.Benchmarks;

/// <summary>
/// What the impact map adds to recording a run: a 1,000-test run (each test 300 lines over 6 files of a 40-file
/// project, the shape of a mid-sized crate's per-test coverage) recorded into a fresh history with and without its
/// maps, in one transaction as <c>HistorySink</c> does. The issue's budget: the maps add at most 1 s.
/// Exit 1 over budget.
/// </summary>
internal static class ImpactBenchmark
{
    private const int Tests = 1_000;
    private const int Runs = 5;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    public static int Run(string[] args)
    {
        var tests = args.Length > 0 && int.TryParse(args[0], out var count) ? count : Tests;
        var random = new Random(16);
        var maps = Enumerable.Range(0, tests).Select(t => new ImpactMap($"suite.bin.tests.t{t}", "0123456789abcdef",
            Enumerable.Range(0, 6).Select(_ => random.Next(40)).Distinct().ToDictionary(
                f => $"src/module{f}.rs",
                f => Enumerable.Range(0, 50).Select(_ => random.Next(1, 2_000)).Distinct().Order().ToArray(),
                StringComparer.Ordinal))).ToList();
        var samples = maps.Select(m => new TimingSample(m.Test, 0, 0.01, "passed") { Binary = m.Binary }).ToList();
        var run = new RunInfo(0, DateTimeOffset.UtcNow, new string('a', 40), "main", "bench", 2, "0", "suite", 1, 0) { Repository = "/repo" };
        var lines = maps.Sum(m => m.Lines.Values.Sum(l => l.Length));
        Console.WriteLine($"{tests} tests, {maps.Sum(m => m.Lines.Count)} test×file blobs, {lines} lines; median of {Runs} after one warm-up; budget {Budget.TotalMilliseconds:F0} ms added");

        var without = Median(() => Record(run, samples, []));
        var with = Median(() => Record(run, samples, maps));
        var added = with - without;
        using var directory = new TempDirectory("impact-bench-size");
        using (var store = SqliteHistoryStore.Open(directory.File("h.db")))
        {
            store.Record(run, samples, maps);
        }
        var bytes = new FileInfo(directory.File("h.db")).Length + (File.Exists(directory.File("h.db-wal")) ? new FileInfo(directory.File("h.db-wal")).Length : 0);
        Console.WriteLine($"record without maps\t{without.TotalMilliseconds:F0} ms\nrecord with maps\t{with.TotalMilliseconds:F0} ms\nadded\t{added.TotalMilliseconds:F0} ms\t{(added <= Budget ? "ok" : "OVER")}\nfile\t{bytes / 1024} KiB ({(double)bytes / lines:F1} bytes a line)");
        return added <= Budget ? 0 : 1;
    }

    private static void Record(RunInfo run, List<TimingSample> samples, List<ImpactMap> maps)
    {
        using var directory = new TempDirectory("impact-bench");
        using var store = SqliteHistoryStore.Open(directory.File("history.db"));
        store.Record(run, samples, maps);
    }

    private static TimeSpan Median(Action action)
    {
        action();
        var times = new List<TimeSpan>();
        for (var i = 0; i < Runs; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
