using System.Diagnostics;
using Harness.Symbols;
using Harness.Testing;

namespace Harness.Benchmarks;

/// <summary>
/// Time to read a binary's full line table and functions, warm (file in page cache, code jitted):
/// the cost every coverage or test run pays per binary before it starts.
/// </summary>
internal static class SourceMapBenchmark
{
    private const int Warmup = 20;
    private const int Runs = 15;

    public static int Run(string[] binaries)
    {
        if (binaries.Length == 0)
        {
            var build = Fixtures.Rust(RustFlavour.Default);
            binaries = [build.UnitTestBinary("calc"), build.UnitTestBinary("calc-ffi")];
        }
        Console.WriteLine("binary\theap\tsize MB\trows\tfunctions\tmedian ms\tmin ms\tmax ms\tallocated MB\tgen0 GCs");
        // Warm up on every binary until the JIT has settled (tier-1 code everywhere): at least Warmup loads
        // each and five seconds in all. Without this, whichever binary is measured first looks 2x slower.
        var warmup = Stopwatch.StartNew();
        for (var round = 0; round < Warmup || warmup.Elapsed < TimeSpan.FromSeconds(5); round++)
        {
            foreach (var binary in binaries)
            {
                SourceMap.Load(binary);
            }
        }
        foreach (var (binary, freshHeap) in binaries.SelectMany(b => new[] { (b, false), (b, true) }))
        {
            SourceMap map = SourceMap.Load(binary);
            var times = new List<double>();
            var allocatedMb = new List<double>();
            var collections = new List<int>();
            for (var i = 0; i < Runs; i++)
            {
                // "fresh": each load starts from a collected heap whose memory the GC has given back, as in a
                // new harness process (page faults included). "reused": loads follow each other, as in a
                // long-running test host loading many binaries.
                map = null!;
                if (freshHeap)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    GC.Collect();
                }
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                var gcs = GC.CollectionCount(0);
                var watch = Stopwatch.StartNew();
                map = SourceMap.Load(binary);
                times.Add(watch.Elapsed.TotalMilliseconds);
                allocatedMb.Add((GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0);
                collections.Add(GC.CollectionCount(0) - gcs);
            }
            times.Sort();
            var size = new FileInfo(binary).Length / 1048576.0;
            Console.WriteLine($"{Path.GetFileName(binary)}\t{(freshHeap ? "fresh" : "reused")}\t{size:F1}\t{map.Rows.Length}\t{map.Functions.Count}\t{times[times.Count / 2]:F1}\t{times[0]:F1}\t{times[^1]:F1}\t{allocatedMb.Average():F0}\t{collections.Average():F1}");
        }
        return 0;
    }
}
