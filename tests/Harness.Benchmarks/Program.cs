using Harness.Benchmarks;

// Usage: dotnet run -c Release --project tests/Harness.Benchmarks -- source-map [BINARY…]
//        dotnet run -c Release --project tests/Harness.Benchmarks -- cover [--runs N] [--harness PATH]
// source-map: time to read a binary's line table and functions (default: the Rust fixture's test binaries).
// cover: breakpoint coverage overhead against native and compiler-instrumented runs.
var suite = args.Length > 0 ? args[0] : "source-map";
switch (suite)
{
    case "source-map":
        return SourceMapBenchmark.Run(args.Skip(1).ToArray());
    case "cover":
        return CoverBenchmark.Run(args.Skip(1).ToArray());
    default:
        Console.Error.WriteLine($"unknown benchmark '{suite}' (known: source-map, cover)");
        return 2;
}
