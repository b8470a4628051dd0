using System.Diagnostics;
using System.Text;
using Harness.Symbols;

namespace Harness.Tracing.Tests.Support;

/// <summary>
/// One program run under the tracer with stack sampling and no breakpoints, its output captured, and its
/// samples' frames named through the source map of each image (DWARF subprograms; null when none).
/// </summary>
internal sealed record SampledRun(TraceResult Result, SampledProfile Profile, string Output, TimeSpan Elapsed)
{
    public static SampledRun Start(string program, IReadOnlyList<string> arguments, int rate = 1000, IProbePlanner? planner = null)
    {
        using var files = new TempDirectory("sampled");
        var stdoutPath = files.File("stdout");
        var clock = Stopwatch.StartNew();
        TraceResult result;
        using (var stdin = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read))
        using (var stdout = File.OpenHandle(stdoutPath, FileMode.CreateNew, FileAccess.Write))
        {
            var options = new LaunchOptions(program, arguments)
            {
                StandardInput = (int)stdin.DangerousGetHandle(),
                StandardOutput = (int)stdout.DangerousGetHandle(),
                SampleRate = rate,
                Timeout = TimeSpan.FromMinutes(2),
            };
            result = Tracer.Run(options, planner ?? new NoProbes());
        }
        clock.Stop();
        Assert.NotNull(result.Profile);
        return new SampledRun(result, result.Profile!, File.ReadAllText(stdoutPath, Encoding.UTF8), clock.Elapsed);
    }

    /// <summary>Each sample's stack as function names, outermost first; frames without a DWARF function are "?".</summary>
    public IReadOnlyList<(StackSample Sample, string[] Stack)> Stacks()
    {
        var maps = new Dictionary<int, SourceMap?>();
        string Name(StackNode node, bool leaf)
        {
            if (node.Image < 0)
            {
                return "?";
            }
            if (!maps.TryGetValue(node.Image, out var map))
            {
                try
                {
                    map = Profile.Images[node.Image].StartsWith('/') ? SourceMap.Load(Profile.Images[node.Image]) : null;
                }
                catch (SymbolReadException)
                {
                    map = null;
                }
                maps[node.Image] = map;
            }
            return map?.FunctionAt(leaf ? node.Address : node.Address - 1)?.Name ?? "?";
        }
        var list = new List<(StackSample, string[])>();
        foreach (var sample in Profile.Samples)
        {
            var names = new List<string>();
            for (var id = sample.Leaf; id >= 0; id = Profile.Nodes[id].Parent)
            {
                names.Add(Name(Profile.Nodes[id], id == sample.Leaf));
            }
            names.Reverse();
            list.Add((sample, [.. names]));
        }
        return list;
    }

    private sealed class NoProbes : IProbePlanner
    {
        public ProbeSet? Plan(string imagePath) => null;
    }
}
