using Harness.Tracing;

namespace Harness.Core.Profiling;

/// <summary>
/// Profiles gathered over a test run: every traced process's samples, filed under the tests the caller says it ran
/// (profiling runs one test a process, so attribution is exact). Safe to use from parallel test jobs.
/// </summary>
/// <param name="rate">Samples per second per thread.</param>
public sealed class ProfileCollector(int rate)
{
    /// <summary>The default sampling rate: 1 kHz, 1 ms per sample.</summary>
    public const int DefaultRate = 1000;

    private readonly Dictionary<string, List<SampledProfile>> _runs = new(StringComparer.Ordinal);

    public int Rate { get; } = rate;

    /// <summary>Files one process's samples under the tests it ran.</summary>
    public void Add(SampledProfile profile, IReadOnlyList<string> tests)
    {
        var name = tests is { Count: > 0 } ? string.Join(' ', tests) : "(unattributed)";
        lock (_runs)
        {
            if (!_runs.TryGetValue(name, out var list))
            {
                _runs[name] = list = [];
            }
            list.Add(profile);
        }
    }

    /// <summary>One profile per test, by name.</summary>
    public IReadOnlyList<TestProfile> Build(FunctionSymbolizer symbolizer)
    {
        lock (_runs)
        {
            return [.. _runs.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => ProfileBuilder.Build(r.Key, r.Value, symbolizer))];
        }
    }
}
