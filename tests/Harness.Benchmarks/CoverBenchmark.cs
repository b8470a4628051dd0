using System.Diagnostics;
using Harness.Testing;

namespace Harness.Benchmarks;

/// <summary>
/// Breakpoint coverage overhead, measured side by side in one run (interleaved, medians of several runs):
/// native, under <c>harness cover</c>, and compiler-instrumented (gcov <c>--coverage</c>,
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

            Console.WriteLine($"harness: {string.Join(' ', harness)}; {runs} runs each, interleaved; times are medians");
            Console.WriteLine("case\tnative s\ttraced s\ttraced/native\ttraced-native s\tinstrumented s\tinstrumented/native\tbudget");
            var over = 0;
            foreach (var c in cases)
            {
                var native = new List<double>();
                var traced = new List<double>();
                var instrumented = new List<double>();
                var outDir = Path.Combine(work, "cover-out");
                // One warm-up of each, so page cache and JIT-free native code are equal for all.
                for (var i = -1; i < runs; i++)
                {
                    var n = Time(c.Native, null);
                    var t = Time([.. harness, "cover", "--out", outDir, "--", .. c.Native], null);
                    var m = Time(c.Instrumented, c.InstrumentedEnv);
                    if (i >= 0)
                    {
                        native.Add(n);
                        traced.Add(t);
                        instrumented.Add(m);
                    }
                }
                var (mn, mt, mi) = (Median(native), Median(traced), Median(instrumented));
                var budget = c.Budget is not { } limit ? "-" : mt <= limit ? $"ok (≤ {limit:F1} s)" : $"OVER {limit:F1} s";
                over += budget.StartsWith("OVER", StringComparison.Ordinal) ? 1 : 0;
                Console.WriteLine($"{c.Name}\t{mn:F3}\t{mt:F3}\t{mt / mn:F2}x\t{mt - mn:+0.000;-0.000}\t{mi:F3}\t{mi / mn:F2}x\t{budget}");
            }
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

    /// <summary>Wall time of one run; output discarded; exit status ignored (the Rust fixture fails a test on purpose).</summary>
    private static double Time(string[] command, Dictionary<string, string?>? environment)
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
        _ = output.Result + error.Result;
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
