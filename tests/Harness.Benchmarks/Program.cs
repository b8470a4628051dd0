using System.Diagnostics;
using Harness.Benchmarks;

// Usage: dotnet run -c Release --project tests/Harness.Benchmarks -- [source-map] [BINARY…]
// With no binaries, builds the Rust fixture and measures its std-heavy unit-test binary.
var suite = args.Length > 0 ? args[0] : "source-map";
switch (suite)
{
    case "source-map":
        return SourceMapBenchmark.Run(args.Skip(1).ToArray());
    default:
        Console.Error.WriteLine($"unknown benchmark '{suite}' (known: source-map)");
        return 2;
}
