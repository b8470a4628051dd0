using System.Xml.Linq;

namespace Harness.Adapters.Tests;

/// <summary>
/// What a user outside this repository gets from <c>dotnet pack Harness.sln</c>: a test project in an empty
/// directory with a Rust crate written here (not a fixture), <c>Harness.NativeTests</c> from a local feed, run by
/// <c>dotnet test</c> with a TRX logger and the "Native Coverage" collector; and the <c>harness</c> .NET tool
/// installed from the same feed running <c>harness test</c> on that crate. No path into the repository appears in
/// the project; restore is offline (the local feed, and the machine's package cache as a second feed for
/// Microsoft.NET.Test.Sdk and the engine's dependencies) into a package folder of its own, so an older
/// Harness 0.1.0 in the machine's cache cannot stand in for the one just packed.
/// </summary>
public sealed class PackageTests
{
    private const string Crate = """
        pub fn count(text: &str) -> usize {
            text.split_whitespace().count()
        }

        pub fn longest(text: &str) -> Option<&str> {
            let mut best: Option<&str> = None;
            for word in text.split_whitespace() {
                if best.map_or(true, |b| word.len() > b.len()) {
                    best = Some(word);
                }
            }
            best
        }

        #[cfg(test)]
        mod tests {
            use super::*;

            #[test]
            fn counts_words() {
                assert_eq!(count("one two  three"), 3);
            }

            #[test]
            fn empty_has_no_longest() {
                assert_eq!(longest(""), None);
            }

            mod longest_word {
                #[test]
                fn picks_first_of_equal_length() {
                    assert_eq!(super::super::longest("ab cd efg hij"), Some("efg"));
                }
            }
        }
        """;

    [Fact]
    public void Pack_NewProjectOutsideTheRepository_DotnetTestWithTrxAndCoverageAndTheHarnessTool()
    {
        using var temp = new TempDirectory("package");
        var feed = temp.File("feed");
        // The solution is built (Release) by the test run itself: pack only packs.
        Run(Repository.Root, null, "dotnet", "pack", Path.Combine(Repository.Root, "Harness.sln"), "-c", "Release", "--no-build", "-o", feed);
        Assert.Contains("Harness.NativeTests.0.1.0.nupkg", Directory.GetFiles(feed).Select(Path.GetFileName));

        var user = temp.File("user");
        Directory.CreateDirectory(Path.Combine(user, "wordcount", "src"));
        File.WriteAllText(Path.Combine(user, "wordcount", "Cargo.toml"), "[package]\nname = \"wordcount\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
        File.WriteAllText(Path.Combine(user, "wordcount", "src", "lib.rs"), Crate);
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        new XDocument(new XElement("configuration", new XElement("packageSources",
            new XElement("clear"),
            new XElement("add", new XAttribute("key", "harness"), new XAttribute("value", feed)),
            new XElement("add", new XAttribute("key", "cache"), new XAttribute("value", cache))))).Save(Path.Combine(user, "nuget.config"));
        Directory.CreateDirectory(Path.Combine(user, "Words.Tests"));
        File.WriteAllText(Path.Combine(user, "Words.Tests", "Words.Tests.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="{TestSdkVersion()}" />
                <PackageReference Include="Harness.NativeTests" Version="0.1.0" />
              </ItemGroup>
              <ItemGroup>
                <NativeTestSuite Include="../wordcount" />
              </ItemGroup>
            </Project>
            """);
        Assert.DoesNotContain(Directory.EnumerateFiles(user, "*", SearchOption.AllDirectories).Select(File.ReadAllText),
            text => text.Contains(Repository.Root, StringComparison.Ordinal));

        var results = temp.File("results");
        var packages = temp.File("packages");
        var test = Run(Path.Combine(user, "Words.Tests"), packages, "dotnet", "test", "--logger", "trx", "--collect", "Native Coverage", "--results-directory", results);

        Assert.Contains("Passed:     3", test.StandardOutput, StringComparison.Ordinal);
        var trx = XDocument.Load(Assert.Single(Directory.GetFiles(results, "*.trx")));
        XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
        Assert.Equal(["tests::counts_words", "tests::empty_has_no_longest", "tests::longest_word::picks_first_of_equal_length"],
            trx.Descendants(ns + "UnitTestResult").Where(r => (string?)r.Attribute("outcome") == "Passed").Select(r => (string)r.Attribute("testName")!).Order());
        // The collector's file and the run's merged attachment.
        var coverage = Directory.GetFiles(results, "native.coverage.cobertura.xml", SearchOption.AllDirectories).Select(XDocument.Load).ToList();
        Assert.NotEmpty(coverage);
        Assert.All(coverage, c => Assert.Contains(c.Descendants("class"), e => ((string)e.Attribute("filename")!).EndsWith("lib.rs", StringComparison.Ordinal)));
        Assert.All(coverage, c => Assert.Contains(c.Descendants("line"), l => (string?)l.Attribute("hits") != "0"));

        var tools = temp.File("tools");
        Run(user, packages, "dotnet", "tool", "install", "--tool-path", tools, "harness", "--add-source", feed, "--configfile", Path.Combine(user, "nuget.config"));
        var harness = Run(user, packages, Path.Combine(tools, "harness"), "test", "wordcount", "--out", temp.File("harness-out"));

        Assert.Contains("harness: 3 tests: 3 passed", harness.StandardOutput, StringComparison.Ordinal);
        // The history goes with the build (wordcount/target/harness), not into the directory harness started in.
        Assert.False(Directory.Exists(Path.Combine(user, ".harness")));
        Assert.True(File.Exists(Path.Combine(user, "wordcount", "target", "harness", "history.db")));
    }

    /// <param name="packages">NuGet's package folder for the process, or null to keep the machine's.</param>
    private static ProcessResult Run(string directory, string? packages, string program, params string[] arguments)
    {
        var environment = DotnetTestFixture.CleanEnvironment();
        if (packages is not null)
        {
            environment["NUGET_PACKAGES"] = packages;
        }
        environment["HARNESS_HISTORY"] = null;
        var result = ProcessRunner.Run(program, arguments, directory, environment, TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: exit {result.ExitCode}\n{result.StandardOutput}{result.StandardError}");
        return result;
    }

    private static string TestSdkVersion() =>
        (string)XDocument.Load(Path.Combine(Repository.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == "Microsoft.NET.Test.Sdk").Attribute("Version")!;
}
