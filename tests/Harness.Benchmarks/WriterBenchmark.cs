using System.Diagnostics;
using Harness.Core.Coverage;
using Harness.Core.Reports;
using Harness.Reporters.Coverage;
using Harness.Reporters.Reports;
using Harness.Testing;

namespace Harness.Benchmarks;

/// <summary>
/// Cost of building and writing the coverage report of a large binary (the rust-large fixture: ~20k lines of Rust,
/// ~11k planned lines, thousands of functions), warm, in process: each report writer's median against a budget.
/// A writer that scans all lines per function (the Cobertura writer once did: 0.7 s of a 0.9 s <c>harness cover</c>)
/// shows up here as a budget overrun, with the exit code 1, where the end-to-end <c>cover</c> case only looks slow.
/// </summary>
internal static class WriterBenchmark
{
    private const int Warmup = 3;
    private const int Runs = 9;

    /// <summary>Per step, warm, CPU time: generous for a shared 2-core VM (the whole <c>harness cover</c> of this binary is meant to take ≤ 0.2 s end to end), far below what a per-function scan of the lines cost.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(150);

    public static int Run(string[] args)
    {
        // --all-files: every source file of the line table (std's too), as `--include '**'` selects them: fewer, far
        // larger files with thousands of functions each, where a per-function scan of the file's lines shows most.
        var allFiles = args.Contains("--all-files");
        var paths = args.Where(a => a != "--all-files").ToArray();
        var binary = paths.Length > 0 ? paths[0] : CoverBenchmark.RustLargeBinary();
        var planner = new CoveragePlanner(new SourceSelection(allFiles ? ["**"] : [], []));
        planner.Preload(binary);
        var empty = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        var report = planner.Report(empty);
        var data = ReportData.FromCoverage(report);
        Console.WriteLine($"{Path.GetFileName(binary)}: {report.Files.Count} files, {report.LinesValid} lines, {report.FunctionsValid} functions; "
            + $"{Runs} runs each after {Warmup} warm-up; budget {Budget.TotalMilliseconds:F0} ms per step");
        // "first": the step's first run in this process, as one `harness cover` (JIT) pays it: the JIT included.
        // "cpu": median process CPU time of a run, which a machine shared with other work inflates less than wall time.
        Console.WriteLine("step\tfirst ms\tmedian ms\tmin ms\tmax ms\tcpu ms\tbytes\tbudget");
        (string Name, Func<Stream, long> Step)[] steps =
        [
            ("report (planner)", _ => planner.Report(empty).LinesValid),
            ("cobertura", s => Write(new CoberturaWriter(), report, s)),
            ("lcov", s => Write(new LcovWriter(), report, s)),
            ("harness json", s => { HarnessJsonWriter.Write(data, "bench", s); return s.Length; }),
            ("markdown", s => { MarkdownWriter.Write(data, "bench", s); return s.Length; }),
        ];
        var over = 0;
        foreach (var (name, step) in steps)
        {
            var times = new List<double>();
            var cpu = new List<double>();
            var first = 0.0;
            long size = 0;
            for (var i = -Warmup; i < Runs; i++)
            {
                using var output = new MemoryStream();
                using var self = Process.GetCurrentProcess();
                var cpuBefore = self.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                size = step(output);
                self.Refresh();
                var cpuTime = (self.TotalProcessorTime - cpuBefore).TotalMilliseconds;
                if (i == -Warmup)
                {
                    first = watch.Elapsed.TotalMilliseconds;
                }
                if (i >= 0)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                    cpu.Add(cpuTime);
                }
            }
            times.Sort();
            cpu.Sort();
            var median = times[times.Count / 2];
            // Judged on CPU time: a busy machine stretches wall time without the code getting any slower.
            var ok = cpu[cpu.Count / 2] <= Budget.TotalMilliseconds;
            over += ok ? 0 : 1;
            Console.WriteLine($"{name}\t{first:F1}\t{median:F1}\t{times[0]:F1}\t{times[^1]:F1}\t{cpu[cpu.Count / 2]:F1}\t{size}\t{(ok ? "ok" : "OVER")}");
        }
        return over == 0 ? 0 : 1;
    }

    private static long Write(ICoverageWriter writer, CoverageReport report, Stream output)
    {
        writer.Write(report, output);
        return output.Length;
    }
}
