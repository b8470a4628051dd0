using System.Text.Json;
using Harness.Testing;

namespace Harness.EndToEnd.Tests.Support;

/// <summary>
/// fixtures/c-trace/src/coverage_oracle.c built twice with gcc in a temp folder — <c>-g -O0 --coverage</c>
/// for gcov and plain <c>-g -O0</c> for harness — and both run with the same argument sets: gcov's line
/// counts (accumulated over the runs in one .gcda) against harness's hits (the runs' lcov.info merged by max).
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
        }

        var json = ProcessRunner.Run("gcov", ["--json-format", "--stdout", instrumented + ".gcda"], gcovDirectory).EnsureSuccess("gcov --json-format");
        Gcov = ParseGcov(json.StandardOutput, Source);
        Harness = LcovFile.MergeByMax(Runs.Select(r => LcovFile.Read(r.LcovPath))).GetValueOrDefault(Source) ?? [];
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

    public void Dispose() => _directory.Dispose();

    private static void Gcc(string[] arguments) => ProcessRunner.Run("gcc", arguments).EnsureSuccess($"gcc {string.Join(' ', arguments)}");

    /// <summary>gcov's JSON intermediate format: files[].lines[] with line_number and count.</summary>
    private static Dictionary<int, long> ParseGcov(string json, string source)
    {
        using var document = JsonDocument.Parse(json);
        var lines = new Dictionary<int, long>();
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
            }
        }
        return lines;
    }
}
