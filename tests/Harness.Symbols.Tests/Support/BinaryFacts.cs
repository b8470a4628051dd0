using System.Collections.Concurrent;

namespace Harness.Symbols.Tests.Support;

/// <summary>
/// What the oracles and the CLI say about each fixture binary, computed once per test class and shared by
/// its tests (readelf over the Rust test binary prints 200,000 rows; no need to do it four times).
/// </summary>
public sealed class BinaryFacts
{
    private readonly ConcurrentDictionary<string, Lazy<object>> _cache = new();

    internal string Path(string id) => Get(id, "path", () => FixtureBinaries.Path(id));

    internal IReadOnlyList<(ulong Start, ulong End)> CodeRanges(string id) => Get(id, "code", () => Readelf.CodeRanges(Path(id)));

    internal ReadelfLineTable ReadelfLines(string id) => Get(id, "readelf", () => Readelf.DecodedLines(Path(id), CodeRanges(id)));

    internal List<CliLine> CliLines(string id, bool all) => Get(id, all ? "cli-all" : "cli", () => HarnessCli.Lines(Path(id), all));

    internal List<CliFunction> CliFunctions(string id) => Get(id, "cli-functions", () => HarnessCli.Functions(Path(id)));

    internal SourceMap Map(string id) => Get(id, "map", () => SourceMap.Load(Path(id)));

    private T Get<T>(string id, string what, Func<T> compute) where T : class =>
        (T)_cache.GetOrAdd($"{id}|{what}", _ => new Lazy<object>(() => compute())).Value;
}
