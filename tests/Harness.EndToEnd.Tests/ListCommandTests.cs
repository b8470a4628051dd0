using System.Text.Json;
using Harness.EndToEnd.Tests.Support;

namespace Harness.EndToEnd.Tests;

/// <summary>
/// <c>harness list</c> as a user runs it, on a CMake build directory and a test binary: every test the
/// frameworks themselves list appears once, under a stable dotted name, with its source location.
/// </summary>
public sealed class ListCommandTests
{
    [Fact]
    public void List_GoogleTestBuildDirectory_JsonHasEveryTestOfTheFrameworkListingOnce()
    {
        var build = Fixtures.CMake("cpp-gtest", CFlavour.O0);
        var tests = ListJson(build.BuildDirectory);

        var binary = build.Output("gtest_fixture_tests");
        var expected = GTestListing(binary);
        var listed = tests.Where(t => t.GetProperty("binary").GetString() == binary).Select(t => t.GetProperty("frameworkName").GetString()).ToList();
        Assert.Equal(expected.Order(), listed.Order());
        Assert.Equal(tests.Count, tests.Select(t => t.GetProperty("fullyQualifiedName").GetString()).Distinct().Count());
        var disabled = Assert.Single(tests, t => t.GetProperty("ignored").GetBoolean());
        Assert.Equal("Shapes.DISABLED_NotRunByDefault", disabled.GetProperty("displayName").GetString());
        Assert.All(tests, t =>
        {
            var file = t.GetProperty("file").GetString();
            Assert.True(file is not null && File.Exists(file), $"{t.GetProperty("fullyQualifiedName")}: no source file");
        });
    }

    [Fact]
    public void List_TwiceOnOneBuild_SameNamesInText()
    {
        var build = Fixtures.CMake("catch2", CFlavour.O0);
        var first = Run("list", build.BuildDirectory);
        var second = Run("list", build.BuildDirectory);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(first.StandardOutput, second.StandardOutput);
        Assert.Contains("fib computes small values", first.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void List_MissingSuite_ExitCode2AndOneLineNamingIt()
    {
        var result = Run("list", "/nonexistent/suite");
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("/nonexistent/suite", line, StringComparison.Ordinal);
        Assert.StartsWith("harness: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void List_CargoOptions_PassedToCargoAsGiven()
    {
        var workspace = Path.Combine(Repository.FixturesDirectory, "rust-cargo");
        var environment = new Dictionary<string, string?> { ["CARGO_TARGET_DIR"] = Path.Combine(Repository.FixtureCache, "rust-cargo") };

        var root = ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, "list", workspace], environment: environment, timeout: TimeSpan.FromMinutes(5));
        var shapes = ProcessRunner.Run(
            "dotnet", [HarnessCover.AssemblyPath, "list", workspace, "-p", "shapes", "--cargo-arg", "--offline", "--cargo-arg=--locked"],
            environment: environment, timeout: TimeSpan.FromMinutes(5));

        Assert.True(root.ExitCode == 0, root.StandardError);
        Assert.DoesNotContain("rust-cargo.shapes.", root.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("rust-cargo.abacus.test.plain_main\t", root.StandardOutput, StringComparison.Ordinal);
        Assert.True(shapes.ExitCode == 0, shapes.StandardError);
        Assert.Equal(["rust-cargo.shapes.lib.tests.squares"], shapes.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0]));
    }

    [Fact]
    public void List_MisspeltCargoOption_UnknownOptionExit2NotASuite()
    {
        var result = Run("list", Path.Combine(Repository.FixturesDirectory, "rust-cargo"), "--relase");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("harness: unknown option --relase\n", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Compiling", result.StandardError, StringComparison.Ordinal);
    }

    private static List<JsonElement> ListJson(string suite)
    {
        var result = Run("list", "--format", "json", suite);
        Assert.True(result.ExitCode == 0, result.StandardError);
        using var document = JsonDocument.Parse(result.StandardOutput);
        return [.. document.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private static List<string> GTestListing(string binary)
    {
        var names = new List<string>();
        string? suite = null;
        foreach (var line in ProcessRunner.Run(binary, ["--gtest_list_tests"]).EnsureSuccess("gtest listing").StandardOutput.Split('\n'))
        {
            var text = line.Split('#')[0].TrimEnd();
            if (text.Length == 0)
            {
                continue;
            }
            if (!text.StartsWith(' '))
            {
                suite = text;
            }
            else
            {
                names.Add(suite + text.Trim());
            }
        }
        return names;
    }

    private static ProcessResult Run(params string[] arguments) =>
        ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, .. arguments], timeout: TimeSpan.FromMinutes(2));
}
