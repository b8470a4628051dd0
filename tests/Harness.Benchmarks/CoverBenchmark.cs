using System.Diagnostics;
using Harness.Testing;

namespace Harness.Benchmarks;

/// <summary>
/// Breakpoint coverage overhead, measured side by side in one run (interleaved, medians of several runs):
/// native, under <c>harness cover</c> (line probes, block probes, and block probes with <c>--branches</c>), and compiler-instrumented (gcov <c>--coverage</c>,
/// rustc <c>-C instrument-coverage</c>) for (a) a CPU-heavy C program, (b) the Rust fixture's unit tests,
/// (c) a large Rust binary whose only test does almost nothing (start-up cost).
/// </summary>
internal static class CoverBenchmark
{
    public static int Run(string[] args)
    {
        var runs = 5;
        string[] harness = [];
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--runs":
                    runs = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--harness":
                    harness = [args[++i]];
                    break;
            }
        }
        if (harness.Length == 0)
        {
            harness = ["dotnet", BuildHarness()];
        }
        var work = Directory.CreateTempSubdirectory("harness-bench-").FullName;
        try
        {
            var cases = new List<Case>();
            var bench = Fixtures.CMake("c-bench", CFlavour.O0);
            var cpuHeavy = bench.Output("cpu_heavy");
            cases.Add(new Case("C cpu_heavy -O0", [cpuHeavy], Instrumented: [GccCoverage(bench, work)], InstrumentedEnv: null, Budget: null));

            var rust = Fixtures.Rust(RustFlavour.Default);
            var calc = rust.UnitTestBinary("calc");
            var calcInstrumented = RustInstrumented(Path.Combine(Repository.FixturesDirectory, "rust"), work, "calc");
            cases.Add(new Case("Rust calc unit tests", [calc, "--skip", "deliberately"], Instrumented: [calcInstrumented, "--skip", "deliberately"],
                InstrumentedEnv: new() { ["LLVM_PROFILE_FILE"] = Path.Combine(work, "calc-%p.profraw") }, Budget: null));

            var large = RustLarge(instrumented: false);
            var largeInstrumented = RustLarge(instrumented: true);
            cases.Add(new Case("Rust large, trivial test", [large], Instrumented: [largeInstrumented],
                InstrumentedEnv: new() { ["LLVM_PROFILE_FILE"] = Path.Combine(work, "large-%p.profraw") }, Budget: LargeBudget));

            Console.WriteLine($"harness: {string.Join(' ', harness)}; {runs} runs each, interleaved; times are medians; the machine may be shared (load average {LoadAverage()})");
            Console.WriteLine("case\tnative s\tlines s\tlines/native\tblocks s\tblocks/native\tblocks-native s\tbranches s\tbranches/native\tinstrumented s\tinstrumented/native\ttraps/hit line (lines)\ttraps/hit line (blocks)\tbudget");
            var over = 0;
            foreach (var c in cases)
            {
                var native = new List<double>();
                var lines = new List<double>();
                var blocks = new List<double>();
                var branches = new List<double>();
                var instrumented = new List<double>();
                var outDir = Path.Combine(work, "cover-out");
                string linesReport = "", blocksReport = "";
                // One warm-up of each, so page cache and JIT-free native code are equal for all.
                for (var i = -1; i < runs; i++)
                {
                    var n = Time(c.Native, null, out _);
                    var l = Time([.. harness, "cover", "--probes", "lines", "--verbose", "--out", outDir, "--", .. c.Native], null, out linesReport);
                    var t = Time([.. harness, "cover", "--probes", "blocks", "--verbose", "--out", outDir, "--", .. c.Native], null, out blocksReport);
                    var b = Time([.. harness, "cover", "--branches", "--out", outDir, "--", .. c.Native], null, out _);
                    var m = Time(c.Instrumented, c.InstrumentedEnv, out _);
                    if (i >= 0)
                    {
                        native.Add(n);
                        lines.Add(l);
                        blocks.Add(t);
                        branches.Add(b);
                        instrumented.Add(m);
                    }
                }
                var (mn, ml, mt, mb, mi) = (Median(native), Median(lines), Median(blocks), Median(branches), Median(instrumented));
                // The budget holds the default mode (lines).
                var budget = c.Budget is not { } limit ? "-" : ml <= limit ? $"ok (≤ {limit:F1} s)" : $"OVER {limit:F1} s";
                over += budget.StartsWith("OVER", StringComparison.Ordinal) ? 1 : 0;
                Console.WriteLine($"{c.Name}\t{mn:F3}\t{ml:F3}\t{ml / mn:F2}x\t{mt:F3}\t{mt / mn:F2}x\t{mt - mn:+0.000;-0.000}\t{mb:F3}\t{mb / mn:F2}x\t{mi:F3}\t{mi / mn:F2}x\t{TrapsPerHitLine(linesReport)}\t{TrapsPerHitLine(blocksReport)}\t{budget}");
            }
            TestRunCase(harness, runs, work);
            return over == 0 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// <c>harness cover</c> of the large binary, median end to end, with the native (AOT) harness (<c>--harness</c>):
    /// a report writer that is not linear in lines and functions breaks it first (the Cobertura writer once took 0.7 s).
    /// </summary>
    private const double LargeBudget = 0.2;

    /// <param name="Budget">Seconds the traced median may take; over it the benchmark exits 1.</param>
    private sealed record Case(string Name, string[] Native, string[] Instrumented, Dictionary<string, string?>? InstrumentedEnv, double? Budget);

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    /// <summary>
    /// <c>harness test --coverage</c> over a suite of many test processes (the Rust fixture: one process per test) against
    /// the plain run, and with <c>--per-test-coverage</c>, where no process may skip the lines an earlier one proved.
    /// </summary>
    private static void TestRunCase(string[] harness, int runs, string work)
    {
        var suite = Path.Combine(Repository.FixturesDirectory, "rust");
        var environment = new Dictionary<string, string?> { ["CARGO_TARGET_DIR"] = Path.Combine(Repository.FixtureCache, "rust-Default") };
        // Build once outside the timing (cargo test --no-run through a first harness list).
        Time([.. harness, "list", suite], environment, out _);
        var plain = new List<double>();
        var covered = new List<double>();
        var perTest = new List<double>();
        for (var i = -1; i < runs; i++)
        {
            var p = Time([.. harness, "test", suite, "--no-history", "--out", Path.Combine(work, "t0")], environment, out _);
            var c = Time([.. harness, "test", suite, "--no-history", "--coverage", "--out", Path.Combine(work, "t1")], environment, out _);
            var t = Time([.. harness, "test", suite, "--no-history", "--coverage", "--per-test-coverage", "--out", Path.Combine(work, "t2")], environment, out _);
            if (i >= 0)
            {
                plain.Add(p);
                covered.Add(c);
                perTest.Add(t);
            }
        }
        var (mp, mc, mt) = (Median(plain), Median(covered), Median(perTest));
        Console.WriteLine("case\tplain s\t--coverage s\t--coverage/plain\t--per-test-coverage s\t--per-test-coverage/plain");
        Console.WriteLine($"harness test fixtures/rust\t{mp:F3}\t{mc:F3}\t{mc / mp:F2}x\t{mt:F3}\t{mt / mp:F2}x");
    }

    /// <summary>Traps over hit lines from <c>harness cover --verbose</c>'s two summary lines.</summary>
    private static string TrapsPerHitLine(string stderr)
    {
        var lines = System.Text.RegularExpressions.Regex.Match(stderr, @"lines: (\d+)/");
        var traps = System.Text.RegularExpressions.Regex.Match(stderr, @"(\d+) traps");
        if (!lines.Success || !traps.Success)
        {
            return "?";
        }
        var hit = double.Parse(lines.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var count = double.Parse(traps.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return $"{count / hit:F2} ({count:F0}/{hit:F0})";
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    /// <summary>Wall time of one run; stdout discarded, stderr kept; exit status ignored (the Rust fixture fails a test on purpose).</summary>
    private static double Time(string[] command, Dictionary<string, string?>? environment, out string standardError)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? [])
        {
            start.Environment[name] = value;
        }
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var elapsed = watch.Elapsed.TotalSeconds;
        _ = output.Result;
        standardError = error.Result;
        return elapsed;
    }

    private static string BuildHarness()
    {
        var project = Path.Combine(Repository.Root, "harness", "Harness.Cli");
        ProcessRunner.Run("dotnet", ["build", project, "-c", "Release", "--nologo", "-v", "quiet"]).EnsureSuccess("building harness");
        return Path.Combine(project, "bin", "Release", "net10.0", "harness.dll");
    }

    /// <summary>cpu_heavy compiled with gcc --coverage (the instrumented comparison), from the fixture's own sources.</summary>
    private static string GccCoverage(CMakeBuild bench, string work)
    {
        var sources = Directory.GetFiles(Path.Combine(bench.SourceDirectory), "*.c", SearchOption.AllDirectories);
        var output = Path.Combine(work, "cpu_heavy_gcov");
        ProcessRunner.Run("gcc", ["-g", "-O0", "--coverage", "-o", output, .. sources], work).EnsureSuccess("gcc --coverage cpu_heavy");
        return output;
    }

    private static string RustInstrumented(string workspace, string work, string package)
    {
        var target = Path.Combine(Repository.FixtureCache, "rust-instrumented");
        var result = ProcessRunner.Run("cargo", ["test", "--no-run", "--offline", "--message-format=json", "-p", package], workspace,
            new Dictionary<string, string?> { ["CARGO_TARGET_DIR"] = target, ["RUSTFLAGS"] = "-C instrument-coverage" }).EnsureSuccess("cargo test -C instrument-coverage");
        return TestExecutable(result.StandardOutput, package);
    }

    /// <summary>The rust-large fixture's unit-test binary (built once, cached).</summary>
    public static string RustLargeBinary() => RustLarge(instrumented: false);

    private static string RustLarge(bool instrumented)
    {
        var workspace = Path.Combine(Repository.FixturesDirectory, "rust-large");
        var target = Path.Combine(Repository.FixtureCache, instrumented ? "rust-large-instrumented" : "rust-large");
        var result = ProcessRunner.Run("cargo", ["test", "--no-run", "--offline", "--message-format=json"], workspace,
            new Dictionary<string, string?> { ["CARGO_TARGET_DIR"] = target, ["RUSTFLAGS"] = instrumented ? "-C instrument-coverage" : "" })
            .EnsureSuccess("cargo test --no-run of fixtures/rust-large");
        return TestExecutable(result.StandardOutput, "large");
    }

    private static string TestExecutable(string messages, string package)
    {
        foreach (var line in messages.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var document = System.Text.Json.JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.GetProperty("reason").GetString() == "compiler-artifact"
                && root.GetProperty("profile").GetProperty("test").GetBoolean()
                && root.GetProperty("target").GetProperty("kind")[0].GetString() is "lib" or "rlib" or "cdylib"
                && root.GetProperty("target").GetProperty("name").GetString() == package.Replace('-', '_')
                && root.TryGetProperty("executable", out var executable) && executable.ValueKind == System.Text.Json.JsonValueKind.String)
            {
                return executable.GetString()!;
            }
        }
        throw new InvalidOperationException($"no unit-test executable of {package} in cargo's output");
    }
}
