using System.Collections.Concurrent;
using Harness.Testing;

namespace Harness.Tracing.Tests.Support;

/// <summary>
/// The fixtures/c-trace programs, built once per flavour, and their runs (native and traced) cached by
/// flavour, program and arguments so that the behaviour and the coverage tests of one program share one run.
/// </summary>
public sealed class CTracePrograms
{
    private readonly ConcurrentDictionary<string, Lazy<TracedRun>> _traced = new();
    private readonly ConcurrentDictionary<string, Lazy<NativeRun>> _native = new();

    public static string SourceDirectory => Path.Combine(Repository.FixturesDirectory, "c-trace", "src");

    public static SourceFile Source(string fileName) => SourceFile.Read(Path.Combine(SourceDirectory, fileName));

    internal static string Program(CFlavour flavour, string name) => Fixtures.CMake("c-trace", flavour).Output(name);

    internal TracedRun Traced(CFlavour flavour, string name, params string[] arguments) =>
        _traced.GetOrAdd(Key(flavour, name, arguments), _ => new Lazy<TracedRun>(() => TracedRun.Start(Program(flavour, name), arguments))).Value;

    internal NativeRun Native(CFlavour flavour, string name, params string[] arguments) =>
        _native.GetOrAdd(Key(flavour, name, arguments), _ => new Lazy<NativeRun>(() => NativeRun.Start(Program(flavour, name), arguments))).Value;

    private static string Key(CFlavour flavour, string name, string[] arguments) => $"{flavour}\0{name}\0{string.Join('\0', arguments)}";
}
