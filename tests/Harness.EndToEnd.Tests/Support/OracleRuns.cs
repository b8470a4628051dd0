using System.Text.Json;
using Harness.Testing;

namespace Harness.EndToEnd.Tests.Support;

/// <summary>
/// fixtures/c-trace/src/coverage_oracle.c built twice with gcc in a temp folder — <c>-g -O0 --coverage</c>
/// for gcov and plain <c>-g -O0</c> for harness — and both run with the same argument sets: gcov's line
/// counts (accumulated over the runs in one .gcda) against harness's hits (the runs' lcov.info merged by max).
/// Harness also runs each set with <c>--branches</c>, against gcov's branch arms and function counts.
/// </summary>
public sealed class OracleRuns : IDisposable
{
    /// <summary>Argument sets that between them take every branch the program can take (see its header comment).</summary>
    public static readonly string[][] ArgumentSets =
    [
        [],
        ["alpha", "42", "-x", "zz", "7b"],
        [""],
        ["e", "0", "--", "9x", "Q"],
    ];

    private readonly TempDirectory _directory = new("oracle");

    public OracleRuns()
    {
        Source = Path.Combine(Repository.FixturesDirectory, "c-trace", "src", "coverage_oracle.c");
        var gcovDirectory = Directory.CreateDirectory(_directory.File("gcov")).FullName;
        var instrumented = Path.Combine(gcovDirectory, "oracle");
        // Compile and link separately so the notes and data files are gcov/oracle.gcno and gcov/oracle.gcda.
        Gcc(["-g", "-O0", "--coverage", "-c", Source, "-o", instrumented + ".o"]);
        Gcc(["--coverage", instrumented + ".o", "-o", instrumented]);
        Plain = _directory.File("oracle");
        Gcc(["-g", "-O0", Source, "-o", Plain]);

        foreach (var (arguments, index) in ArgumentSets.Select((a, i) => (a, i)))
        {
            var gcovRun = ProcessRunner.Run(instrumented, arguments, gcovDirectory).EnsureSuccess($"coverage_oracle --coverage run {index}");
            NativeOutputs.Add(gcovRun.StandardOutput);
            Runs.Add(HarnessCover.Run(_directory.File($"harness-{index}"), [], Plain, arguments));
            BranchRuns.Add(HarnessCover.Run(_directory.File($"branches-{index}"), ["--branches"], Plain, arguments));
        }

        var json = ProcessRunner.Run("gcov", ["--branch-probabilities", "--json-format", "--stdout", instrumented + ".gcda"], gcovDirectory).EnsureSuccess("gcov --json-format");
        (Gcov, GcovBranches, GcovFunctions) = ParseGcov(json.StandardOutput, Source);
        Harness = LcovFile.MergeByMax(Runs.Select(r => LcovFile.Read(r.LcovPath))).GetValueOrDefault(Source) ?? [];
        var branchRecords = BranchRuns.Select(r => Assert.Single(LcovFile.Read(r.LcovPath), record => record.Path == Source)).ToList();
        HarnessBranches = MergeBranches(branchRecords);
        HarnessFunctions = branchRecords.SelectMany(r => r.Functions).GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Max(f => f.Value.Hits));
    }

    public string Source { get; }

    /// <summary>The plain build harness runs.</summary>
    public string Plain { get; }

    /// <summary>stdout of the instrumented build, per argument set.</summary>
    internal List<string> NativeOutputs { get; } = [];

    /// <summary><c>harness cover</c> on the plain build, per argument set.</summary>
    internal List<CoverRun> Runs { get; } = [];

    /// <summary>gcov's executable lines of the source and their execution counts, over all runs.</summary>
    public Dictionary<int, long> Gcov { get; }

    /// <summary>harness's executable lines of the source and their hits, merged by max over all runs.</summary>
    public Dictionary<int, long> Harness { get; }

    /// <summary><c>harness cover --branches</c> on the plain build, per argument set.</summary>
    internal List<CoverRun> BranchRuns { get; } = [];

    /// <summary>gcov's branch arms per line (each arm's count summed over the functions sharing the line), over all runs.</summary>
    public Dictionary<int, List<long>> GcovBranches { get; }

    /// <summary>gcov's execution count of each function.</summary>
    public Dictionary<string, long> GcovFunctions { get; }

    /// <summary>harness's branch arms per line: taken in any <c>--branches</c> run.</summary>
    public Dictionary<int, List<bool>> HarnessBranches { get; }

    /// <summary>harness's functions (FNDA) of the <c>--branches</c> runs, hit in any.</summary>
    public Dictionary<string, long> HarnessFunctions { get; }

    public void Dispose() => _directory.Dispose();

    private static void Gcc(string[] arguments) => ProcessRunner.Run("gcc", arguments).EnsureSuccess($"gcc {string.Join(' ', arguments)}");

    private static Dictionary<int, List<bool>> MergeBranches(List<LcovRecord> records)
    {
        var merged = new Dictionary<int, List<bool>>();
        foreach (var line in records.SelectMany(r => r.Branches.Keys).Distinct())
        {
            var arms = records.Select(r => r.Branches.GetValueOrDefault(line)).OfType<Dictionary<(int Point, int Arm), long?>>().ToList();
            Assert.True(arms.All(a => a.Count == arms[0].Count), $"line {line}: a different number of branch arms from run to run");
            merged[line] = [.. arms[0].Keys.Order().Select(arm => arms.Any(a => a[arm] > 0))];
        }
        return merged;
    }

    /// <summary>gcov's JSON intermediate format: files[].lines[] with line_number, count and branches[], files[].functions[].</summary>
    private static (Dictionary<int, long>, Dictionary<int, List<long>>, Dictionary<string, long>) ParseGcov(string json, string source)
    {
        using var document = JsonDocument.Parse(json);
        var lines = new Dictionary<int, long>();
        var branches = new Dictionary<int, List<long>>();
        var functions = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var file in document.RootElement.GetProperty("files").EnumerateArray())
        {
            if (Path.GetFullPath(file.GetProperty("file").GetString()!) != source)
            {
                continue;
            }
            foreach (var line in file.GetProperty("lines").EnumerateArray())
            {
                var number = line.GetProperty("line_number").GetInt32();
                // A line shared by several functions (inlined code) appears once per function: keep the largest.
                lines[number] = Math.Max(lines.GetValueOrDefault(number), line.GetProperty("count").GetInt64());
                var arms = line.GetProperty("branches").EnumerateArray().Select(b => b.GetProperty("count").GetInt64()).ToList();
                if (arms.Count > 0)
                {
                    branches[number] = branches.TryGetValue(number, out var seen) && seen.Count == arms.Count ? [.. seen.Zip(arms, (a, b) => a + b)] : arms;
                }
            }
            foreach (var function in file.GetProperty("functions").EnumerateArray())
            {
                functions[function.GetProperty("name").GetString()!] = function.GetProperty("execution_count").GetInt64();
            }
        }
        return (lines, branches, functions);
    }
}
