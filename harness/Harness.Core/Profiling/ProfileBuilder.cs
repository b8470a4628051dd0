using Harness.Tracing;

namespace Harness.Core.Profiling;

/// <summary>
/// Turns the tracer's raw samples (one or more runs of one test) into a <see cref="TestProfile"/>: each stack-tree
/// node symbolized once, on-CPU samples counted per stack, then self and total per function and folded lines.
/// </summary>
public static class ProfileBuilder
{
    public static TestProfile Build(string name, IReadOnlyList<SampledProfile> runs, FunctionSymbolizer symbolizer)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(symbolizer);
        var frames = new List<ProfileFrame>();
        var frameIds = new Dictionary<(string Name, string Image), int>();
        var byStack = new Dictionary<int[], (long Count, TimeSpan Time)>(StackComparer.Instance);
        var sampled = TimeSpan.Zero;
        var threads = new List<ThreadTimeline>();
        long samples = 0, waiting = 0, ticks = 0, missed = 0;
        var processes = new HashSet<(int Run, int Pid)>();
        TimeSpan? cpu = null;
        var sampling = TimeSpan.Zero;
        var interval = runs.Count > 0 ? runs[0].Interval : TimeSpan.FromMilliseconds(1);

        int FrameId(ProfileFrame frame)
        {
            if (!frameIds.TryGetValue((frame.Name, frame.Image), out var id))
            {
                frameIds[(frame.Name, frame.Image)] = id = frames.Count;
                frames.Add(frame);
            }
            return id;
        }

        for (var r = 0; r < runs.Count; r++)
        {
            var run = runs[r];
            ticks += run.Ticks;
            missed += run.MissedTicks;
            sampling += run.SamplingTime;
            cpu = run.CpuTime is { } c ? (cpu ?? TimeSpan.Zero) + c : cpu;
            // A node's stack (outermost first) is built from its parent's: each node symbolized once.
            var stacks = new int[run.Nodes.Count][];
            var asLeaf = new Dictionary<int, int[]>();
            int[] StackOf(int node, bool leaf)
            {
                if (leaf)
                {
                    if (!asLeaf.TryGetValue(node, out var leafStack))
                    {
                        asLeaf[node] = leafStack = Extend(run, node, true);
                    }
                    return leafStack;
                }
                return stacks[node] ??= Extend(run, node, false);
            }
            int[] Extend(SampledProfile run, int node, bool leaf)
            {
                var n = run.Nodes[node];
                var prefix = n.Parent >= 0 ? StackOf(n.Parent, false) : [];
                var image = n.Image >= 0 ? run.Images[n.Image] : "";
                var own = symbolizer.Frames(image, n.Address, returnAddress: !leaf);
                var stack = new int[prefix.Length + own.Count];
                prefix.CopyTo(stack, 0);
                for (var i = 0; i < own.Count; i++)
                {
                    stack[prefix.Length + i] = FrameId(own[i]);
                }
                return stack;
            }

            var timelines = new Dictionary<int, (int Pid, List<int[]> Stacks, List<TimeSpan> Weights)>();
            foreach (var sample in run.Samples)
            {
                processes.Add((r, sample.Pid));
                if (!timelines.TryGetValue(sample.Tid, out var timeline))
                {
                    timelines[sample.Tid] = timeline = (sample.Pid, [], []);
                }
                if (sample.Waiting)
                {
                    waiting++;
                    continue;
                }
                samples++;
                var weight = sample.Cpu ?? run.Interval;
                sampled += weight;
                var stack = StackOf(sample.Leaf, true);
                timeline.Stacks.Add(stack);
                timeline.Weights.Add(weight);
                var (count, time) = byStack.GetValueOrDefault(stack);
                byStack[stack] = (count + 1, time + weight);
            }
            threads.AddRange(timelines.Where(t => t.Value.Stacks.Count > 0).Select(t => new ThreadTimeline(t.Value.Pid, t.Key, t.Value.Stacks, t.Value.Weights)));
        }

        var self = new long[frames.Count];
        var total = new long[frames.Count];
        var selfTime = new TimeSpan[frames.Count];
        var totalTime = new TimeSpan[frames.Count];
        var folded = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var seen = new HashSet<int>();
        foreach (var (stack, (count, time)) in byStack)
        {
            if (stack.Length == 0)
            {
                continue;
            }
            self[stack[^1]] += count;
            selfTime[stack[^1]] += time;
            seen.Clear();
            foreach (var frame in stack)
            {
                if (seen.Add(frame))
                {
                    total[frame] += count;
                    totalTime[frame] += time;
                }
            }
            var line = string.Join(';', stack.Select(f => FoldedName(frames[f].Name)));
            folded[line] = folded.GetValueOrDefault(line) + count;
        }
        var functions = Enumerable.Range(0, frames.Count)
            .Where(f => total[f] > 0)
            .Select(f => new FunctionTime(frames[f], self[f], total[f], selfTime[f], totalTime[f]))
            .OrderByDescending(f => f.SelfTime).ThenByDescending(f => f.TotalTime).ThenBy(f => f.Frame.Name, StringComparer.Ordinal)
            .ToList();
        return new TestProfile(name, interval, samples, sampled, waiting, frames, functions, folded, threads, processes.Count, cpu, sampling, ticks, missed);
    }

    /// <summary>The folded format separates frames with ';' and the count with the last space: no ';' or line breaks in names.</summary>
    private static string FoldedName(string name) => name.Replace(';', ':').Replace('\n', ' ').Replace('\r', ' ');

    private sealed class StackComparer : IEqualityComparer<int[]>
    {
        public static readonly StackComparer Instance = new();

        public bool Equals(int[]? x, int[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

        public int GetHashCode(int[] stack)
        {
            var hash = new HashCode();
            foreach (var frame in stack)
            {
                hash.Add(frame);
            }
            return hash.ToHashCode();
        }
    }
}
