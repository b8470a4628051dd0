using System.CommandLine;

namespace Harness.Cli.Commands;

/// <summary>Two or three examples at the end of each command's description, so <c>--help</c> shows them.</summary>
internal static class HelpExamples
{
    private static readonly Dictionary<string, string[]> Examples = new(StringComparer.Ordinal)
    {
        ["lines"] = ["harness lines target/debug/deps/calc-1a2b3c | head", "harness lines build/test_pass --all"],
        ["functions"] = ["harness functions build/test_pass", "harness functions target/debug/deps/calc-1a2b3c | grep parse"],
        ["cover"] = ["harness cover -- ./build/app input.txt", "harness cover --out cov --include 'src/**' -- ./build/app", "harness cover --timeout 60 -- cargo run --release"],
        ["list"] = ["harness list fixtures/rust", "harness list build/ --format json"],
        ["test"] = ["harness test                        # the cargo or CMake suite in the current directory", "harness test build/ --coverage --out ci-results --filter '!*slow*'", "harness test . --filter 'parse::*' --partition hash:1/4 --jobs 8"],
        ["report"] = ["harness report shard-*/ --out report --fail-under-lines 80", "harness report harness-out coverlet.cobertura.xml --formats html,markdown --path-map /builds/ci=$PWD"],
        ["compare"] = ["harness compare", "harness compare --baseline 3f2a9c1 --threshold 5% --format markdown"],
        ["profile"] = ["harness profile -- ./build/hotspot 2 6", "harness profile --rate 4000 --out prof -- ./target/release/app"],
    };

    public static void Apply(RootCommand root)
    {
        root.Description += "\n\nExamples:\n  harness test --coverage\n  harness report harness-out --out report";
        foreach (var command in root.Subcommands)
        {
            if (Examples.TryGetValue(command.Name, out var examples))
            {
                command.Description += "\n\nExamples:\n" + string.Join('\n', examples.Select(e => "  " + e));
            }
        }
    }
}
