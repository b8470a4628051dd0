using System.Diagnostics;
using Harness.Symbols.Tests.Support;
using Harness.Testing;
using Xunit.Abstractions;

namespace Harness.Symbols.Tests;

/// <summary>
/// Fuzzing of the reader with corrupted copies of real fixture binaries (see <see cref="Mutator"/>). Whatever the
/// bytes, <see cref="SourceMap.Load"/> either returns a map that answers queries, or throws
/// <see cref="SymbolReadException"/>; never another exception, never a hang, never gigabytes of memory.
/// A failure names the seed, the iteration and the exact mutation, and keeps the file under
/// artifacts/symbols-mutations/ so that <c>harness lines FILE</c> reproduces it.
/// </summary>
[Collection(MemoryHungry.Name)]
public sealed class MutationTests(ITestOutputHelper output)
{
    private const int Seed = 20261125;
    private static readonly TimeSpan LoadBound = TimeSpan.FromSeconds(5);
    private const long MemoryBound = 3L << 30;

    /// <summary>Iteration counts keep the whole test project near two minutes on two cores; the Rust binary is 7 MB and loads in ~100 ms.</summary>
    public static TheoryData<string, int> Binaries => new()
    {
        { FixtureBinaries.CO0, 1200 },
        { FixtureBinaries.ShapesO0, 800 },
        { FixtureBinaries.CZlib, 600 },
        { FixtureBinaries.RustUnit, 60 },
    };

    [Theory]
    [MemberData(nameof(Binaries))]
    public void Load_MutatedBinary_ReturnsOrThrowsSymbolReadException(string id, int iterations)
    {
        // HARNESS_MUTATION_SCALE=N runs N times as many mutations (the same seed, continued), for fuzzing by hand.
        iterations *= int.TryParse(Environment.GetEnvironmentVariable("HARNESS_MUTATION_SCALE"), out var scale) && scale > 0 ? scale : 1;
        var binary = FixtureBinaries.Path(id);
        var mutator = new Mutator(File.ReadAllBytes(binary), Readelf.Sections(binary));
        var random = new Random(Seed);
        using var temp = new TempDirectory("mutation");
        var path = temp.File(Path.GetFileName(binary));

        var failures = new List<string>();
        var loaded = 0;
        var rejected = 0;
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < iterations; i++)
        {
            var mutation = mutator.Next(random, i);
            File.WriteAllBytes(path, mutation.Bytes);
            var watch = Stopwatch.StartNew();
            // A thread of its own, so that a load that never returns is seen (and left behind as a background thread).
            Exception? outcome = null;
            var load = new Thread(() => outcome = LoadAndQuery(path)) { IsBackground = true, Name = $"mutation {i}" };
            load.Start();
            var finished = load.Join(LoadBound);
            var elapsed = watch.Elapsed;
            slowest = elapsed > slowest ? elapsed : slowest;
            if (!finished)
            {
                failures.Add(Describe(id, mutation, $"HANG: no result after {LoadBound.TotalSeconds} s", Keep(id, mutation)));
                break; // The stuck thread still holds the file; nothing after this would be trustworthy.
            }
            switch (outcome)
            {
                case null:
                    loaded++;
                    break;
                case SymbolReadException e when e.FilePath == path:
                    rejected++;
                    break;
                default:
                    failures.Add(Describe(id, mutation, $"{outcome.GetType().FullName}: {outcome.Message}\n{outcome.StackTrace}", Keep(id, mutation)));
                    break;
            }
            var memory = Math.Max(Environment.WorkingSet, GC.GetTotalMemory(forceFullCollection: false));
            if (memory > MemoryBound)
            {
                failures.Add(Describe(id, mutation, $"MEMORY: {memory >> 20} MB in use after the load", Keep(id, mutation)));
                break;
            }
        }

        output.WriteLine($"{id}: {iterations} mutations (seed {Seed}, {mutator.UnitHeaderCount} unit headers targeted): {loaded} loaded, {rejected} rejected, {failures.Count} failures; slowest load {slowest.TotalMilliseconds:F0} ms");
        Assert.True(loaded + rejected + failures.Count > 0);
        Assert.True(rejected > 0, "no mutation was rejected: the mutations do not reach the parser");
        Assert.True(failures.Count == 0, $"{failures.Count} of {iterations} mutations of {id} broke the reader:\n\n{string.Join("\n\n", failures.Take(10))}");
    }

    /// <summary>Loads, then asks the map questions: a corrupt map that loads must still answer without throwing.</summary>
    private static Exception? LoadAndQuery(string path)
    {
        try
        {
            var map = SourceMap.Load(path);
            var rows = map.Rows;
            var step = Math.Max(1, rows.Length / 64);
            for (var i = 0; i < rows.Length; i += step)
            {
                map.Lookup(rows[i].Address);
                map.FunctionAt(rows[i].Address);
                if (rows[i].File >= 0)
                {
                    map.AddressesOf(map.Files[rows[i].File], rows[i].Line);
                }
            }
            foreach (var function in map.Functions.Take(256))
            {
                _ = function.LowPc;
                map.FunctionAt(function.LowPc);
            }
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static string Describe(string id, Mutation mutation, string problem, string kept) =>
        $"{id}, seed {Seed}, iteration {mutation.Iteration}: {mutation.Description}\n  kept as {kept}\n  {problem}";

    private static string Keep(string id, Mutation mutation)
    {
        var directory = Path.Combine(Repository.Root, "artifacts", "symbols-mutations");
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"{id.Replace('/', '_').Replace(':', '_')}-seed{Seed}-{mutation.Iteration}");
        File.WriteAllBytes(file, mutation.Bytes);
        return file;
    }
}
