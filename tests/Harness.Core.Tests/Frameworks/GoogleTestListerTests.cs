using System.Text.RegularExpressions;
using Harness.Core.Frameworks;
using Harness.Core.Frameworks.GoogleTest;
using Harness.Core.Model;
using Harness.Core.Suites;

namespace Harness.Core.Tests.Frameworks;

/// <summary>The GoogleTest fixture's binaries, checked against <c>--gtest_list_tests</c>.</summary>
public sealed class GoogleTestListerTests
{
    [Theory]
    [InlineData("gtest_fixture_tests")]
    [InlineData("gtest_passing_tests")]
    public void List_FixtureBinary_NamesEqualGtestListTests(string name)
    {
        var binary = FrameworkBinaries.GoogleTest(name);

        var tests = TestLister.List(binary);

        Assert.Equal(OracleNames(binary), tests.Select(t => t.FrameworkName).Order(StringComparer.Ordinal));
        Assert.All(tests, t => Assert.Equal(t.FrameworkName, t.DisplayName));
    }

    [Fact]
    public void List_FixtureTests_ParameterisedNamesMapToDottedPaths()
    {
        var tests = TestLister.List(FrameworkBinaries.GoogleTest("gtest_fixture_tests")).ToDictionary(t => t.FrameworkName);

        Assert.Equal("cpp-gtest.gtest_fixture_tests.Sizes.AreaParam.AreasAreNonNegative.2", tests["Sizes/AreaParam.AreasAreNonNegative/2"].FullyQualifiedName);
        Assert.Equal("cpp-gtest.gtest_fixture_tests.NumericTyped.1.SquareAreaOfTwo", tests["NumericTyped/1.SquareAreaOfTwo"].FullyQualifiedName);
        Assert.Equal([new TestTrait("Suite", "Sizes/AreaParam"), new TestTrait("Parameter", "7")], tests["Sizes/AreaParam.AreasAreNonNegative/2"].Traits);
        Assert.Equal([new TestTrait("Suite", "NumericTyped/1"), new TestTrait("Parameter", "double")], tests["NumericTyped/1.SquareAreaOfTwo"].Traits);
    }

    [Fact]
    public void List_FixtureTests_OnlyDisabledTestIgnored()
    {
        var tests = TestLister.List(FrameworkBinaries.GoogleTest("gtest_fixture_tests"));

        var ignored = Assert.Single(tests, t => t.IsIgnored);
        Assert.Equal("Shapes.DISABLED_NotRunByDefault", ignored.FrameworkName);
        Assert.Contains(new TestTrait("Disabled", "true"), ignored.Traits);
    }

    [Theory]
    [InlineData("gtest_fixture_tests")]
    [InlineData("gtest_passing_tests")]
    public void List_FixtureBinary_SourceLineIsTheTestMacro(string name)
    {
        var tests = TestLister.List(FrameworkBinaries.GoogleTest(name));

        Assert.All(tests, t =>
        {
            Assert.NotNull(t.SourceFile);
            var text = SourceFile.Read(t.SourceFile!)[t.SourceLine!.Value];
            // The macro names the declared suite and test: no instantiation prefix, no /N index.
            var suite = Regex.Replace(Regex.Replace(t.FrameworkName.Split('.')[0], "/\\d+$", ""), "^[^/]+/", "");
            var test = Regex.Replace(t.FrameworkName.Split('.')[1], "/\\d+$", "");
            Assert.Matches($@"^(TEST|TEST_F|TEST_P|TYPED_TEST|TYPED_TEST_P)\({Regex.Escape(suite)}, {Regex.Escape(test)}\)", text);
        });
    }

    [Fact]
    public void List_TwiceOnOneBinary_SameUniqueNames()
    {
        var binary = FrameworkBinaries.GoogleTest("gtest_fixture_tests");

        var first = TestLister.List(binary).Select(t => t.FullyQualifiedName).ToList();
        var second = TestLister.List(binary).Select(t => t.FullyQualifiedName).ToList();

        Assert.Equal(first, second);
        Assert.Equal(first.Count, first.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void ParseText_RealTextListing_SameTestsAndParametersAsJson()
    {
        var binary = FrameworkBinaries.GoogleTest("gtest_fixture_tests");
        using var directory = new TempDirectory("gtest-json");
        var json = Path.Combine(directory.Path, "list.json");
        var text = ProcessRunner.Run(binary.Path, ["--gtest_list_tests", $"--gtest_output=json:{json}"]).EnsureSuccess("gtest listing").StandardOutput;

        var fromText = GoogleTestLister.ParseText(text);
        var fromJson = GoogleTestLister.ParseJson(File.ReadAllText(json))!;

        Assert.Equal(fromJson.Select(e => (e.Suite, e.Name, e.Parameter)), fromText.Select(e => (e.Suite, e.Name, e.Parameter)));
    }

    [Theory]
    [InlineData("Shapes", "DISABLED_X", true)]
    [InlineData("DISABLED_Shapes", "X", true)]
    [InlineData("Prefix/DISABLED_Suite", "X", true)]
    [InlineData("Suite", "X/DISABLED_0", true)]
    [InlineData("Suite", "XDISABLED_", false)]
    [InlineData("Suite", "disabled_X", false)]
    public void IsDisabled_GtestFilterRule_MatchesGtest(string suite, string name, bool expected) =>
        Assert.Equal(expected, GoogleTestLister.IsDisabled(suite, name));

    /// <summary>Text listing: unindented <c>Suite.</c> lines, then indented test names; comments after two spaces.</summary>
    private static IEnumerable<string> OracleNames(TestBinary binary)
    {
        var names = new List<string>();
        var suite = "";
        foreach (var line in FrameworkBinaries.Lines(ProcessRunner.Run(binary.Path, ["--gtest_list_tests"]).EnsureSuccess("gtest listing")))
        {
            var body = line.Split("  #")[0].TrimEnd();
            if (body.StartsWith("  ", StringComparison.Ordinal))
            {
                names.Add(suite + body.Trim());
            }
            else if (body.EndsWith('.'))
            {
                suite = body;
            }
        }
        return names.Order(StringComparer.Ordinal);
    }
}
