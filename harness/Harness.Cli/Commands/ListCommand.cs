using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Harness.Core.Model;
using Harness.Core.Suites;

namespace Harness.Cli.Commands;

/// <summary>
/// <c>harness list [SUITE…] [--kind K] [--format text|json] [cargo's options]</c>: every test of the given suites (a cargo
/// directory, a CMake build directory, or test binaries) with its stable name, display name, source location and traits.
/// </summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var suites = new Argument<string[]>("SUITE") { Description = "Cargo directories, CMake build directories or test binaries (default: the current directory).", Arity = ArgumentArity.ZeroOrMore };
        var kind = new Option<SuiteKind>("--kind") { Description = "How to read SUITE instead of detecting it: Cargo, CMake or Binary.", DefaultValueFactory = _ => SuiteKind.Auto };
        var format = new Option<string>("--format") { Description = "text (one test a line) or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("list", "List the tests of native suites with stable names and source locations.")
        {
            suites,
            kind,
            format,
        };
        var cargo = new CargoOptions();
        foreach (var option in cargo.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(result => Run(
            result.GetValue(suites) is { Length: > 0 } given ? given : ["."], result.GetValue(kind), result.GetValue(format)!, cargo.Arguments(result)));
        return command;
    }

    private static int Run(string[] suites, SuiteKind kind, string format, IReadOnlyList<string> cargoArguments)
    {
        IReadOnlyList<TestCase> tests;
        try
        {
            tests = TestCatalog.List(suites.Select(suite => new SuiteSpec(suite, kind) { CargoArguments = cargoArguments }), line => Console.Error.WriteLine(line));
        }
        catch (HarnessException e)
        {
            Console.Error.WriteLine(ErrorLine.For(e));
            return 2;
        }
        using var output = new StreamWriter(Console.OpenStandardOutput()) { NewLine = "\n" };
        if (format == "json")
        {
            var listing = tests.Select(ListedTest.From).ToList();
            output.Write(JsonSerializer.Serialize(listing, ListingJson.Default.ListListedTest));
            output.Write('\n');
        }
        else
        {
            foreach (var test in tests)
            {
                var location = test.SourceFile is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{test.SourceFile}:{test.SourceLine}");
                output.Write($"{test.FullyQualifiedName}\t{test.DisplayName}\t{location}{(test.IsIgnored ? "\tignored" : "")}\n");
            }
        }
        return 0;
    }
}

/// <summary>One test in <c>harness list --format json</c> (schema version 1).</summary>
internal sealed record ListedTest(
    string FullyQualifiedName,
    string DisplayName,
    string FrameworkName,
    string Suite,
    string BinaryId,
    string Binary,
    string Framework,
    string? File,
    int? Line,
    bool Ignored,
    IReadOnlyList<ListedTrait> Traits)
{
    public static ListedTest From(TestCase test) => new(
        test.FullyQualifiedName,
        test.DisplayName,
        test.FrameworkName,
        test.Binary.Suite,
        test.Binary.BinaryId,
        test.Binary.Path,
        test.Binary.Framework.ToString(),
        test.SourceFile,
        test.SourceLine,
        test.IsIgnored,
        [.. test.Traits.Select(t => new ListedTrait(t.Name, t.Value))]);
}

internal sealed record ListedTrait(string Name, string Value);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<ListedTest>))]
internal sealed partial class ListingJson : JsonSerializerContext;
