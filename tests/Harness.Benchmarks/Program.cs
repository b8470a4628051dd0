using Harness.Benchmarks;

// Usage: dotnet run -c Release --project tests/Harness.Benchmarks -- source-map [BINARY…]
//        dotnet run -c Release --project tests/Harness.Benchmarks -- cover [--runs N] [--harness PATH]
//        dotnet run -c Release --project tests/Harness.Benchmarks -- writers [BINARY] [--all-files]
// source-map: time to read a binary's line table and functions (default: the Rust fixture's test binaries).
// cover: breakpoint coverage overhead against native and compiler-instrumented runs.
//        dotnet run -c Release --project tests/Harness.Benchmarks -- impact [TESTS]
// impact: what recording the impact maps of a 1,000-test per-test-coverage run adds to the history write (budget 1 s).
// writers: building and writing the coverage report of the rust-large fixture, each step against a budget (exit 1 over it).
var suite = args.Length > 0 ? args[0] : "source-map";
switch (suite)
{
    case "source-map":
        return SourceMapBenchmark.Run(args.Skip(1).ToArray());
    case "cover":
        return CoverBenchmark.Run(args.Skip(1).ToArray());
    case "writers":
        return WriterBenchmark.Run(args.Skip(1).ToArray());
    case "impact":
        return ImpactBenchmark.Run(args.Skip(1).ToArray());
    default:
        Console.Error.WriteLine($"unknown benchmark '{suite}' (known: source-map, cover, writers, impact)");
        return 2;
}
