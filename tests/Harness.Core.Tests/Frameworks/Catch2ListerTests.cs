using Harness.Core.Frameworks;
using Harness.Core.Frameworks.Catch2;
using Harness.Core.Model;
using Harness.Core.Suites;

namespace Harness.Core.Tests.Frameworks;

/// <summary>
/// The Catch2 fixture and a program of awkward names (TestData/catch2_names.cpp), checked against
/// <c>--list-test-names-only</c>: without a spec it prints the cases run by default, with <c>[.]</c> the hidden ones.
/// </summary>
public sealed class Catch2ListerTests
{
    [Fact]
    public void List_Fixture_NamesEqualDefaultPlusHiddenListing()
    {
        var binary = FrameworkBinaries.Catch2Fixture();

        var tests = TestLister.List(binary);

        Assert.Equal(OracleNames(binary).Concat(OracleNames(binary, "[.]")).Order(StringComparer.Ordinal),
            tests.Select(t => t.FrameworkName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void List_Fixture_OnlyHiddenIntegrationCaseIgnored()
    {
        var binary = FrameworkBinaries.Catch2Fixture();

        var tests = TestLister.List(binary);

        var hidden = Assert.Single(tests, t => t.IsIgnored);
        Assert.Equal("hidden integration case", hidden.FrameworkName);
        Assert.Equal(OracleNames(binary, "[.]"), [hidden.FrameworkName]);
        Assert.Contains(new TestTrait("Tag", "integration"), hidden.Traits);
        Assert.Contains(new TestTrait("Hidden", "true"), hidden.Traits);
    }

    [Fact]
    public void List_Fixture_NamesTagsAndSourceLines()
    {
        var tests = TestLister.List(FrameworkBinaries.Catch2Fixture()).ToDictionary(t => t.FrameworkName);

        var palindromes = tests["palindromes ignore case and punctuation"];
        Assert.Equal("catch2.catch2_fixture_tests.palindromes_ignore_case_and_punctuation", palindromes.FullyQualifiedName);
        Assert.Equal([new TestTrait("Tag", "fast"), new TestTrait("Tag", "string")], palindromes.Traits);
        Assert.All(tests.Values, t =>
            Assert.Contains($"TEST_CASE(\"{t.FrameworkName}\"", SourceFile.Read(t.SourceFile!)[t.SourceLine!.Value]));
    }

    [Fact]
    public void List_AwkwardNames_NamesEqualListingAndUnique()
    {
        var binary = FrameworkBinaries.Catch2Names();

        var tests = TestLister.List(binary);

        Assert.Equal(OracleNames(binary).Concat(OracleNames(binary, "[.]")).Order(StringComparer.Ordinal),
            tests.Select(t => t.FrameworkName).Order(StringComparer.Ordinal));
        Assert.Equal(["hidden bang", "hidden one"], tests.Where(t => t.IsIgnored).Select(t => t.FrameworkName).Order(StringComparer.Ordinal));
        Assert.Equal(tests.Count, tests.Select(t => t.FullyQualifiedName).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(TestLister.List(binary).Select(t => t.FullyQualifiedName), tests.Select(t => t.FullyQualifiedName));
    }

    [Fact]
    public void List_AwkwardNames_CollidingPathsGetHashSuffixOthersDoNot()
    {
        var tests = TestLister.List(FrameworkBinaries.Catch2Names()).ToDictionary(t => t.FrameworkName);

        Assert.Matches(@"^catch2\.names\.dots_and_slashes_x_[0-9a-f]{8}$", tests["dots.and/slashes: x"].FullyQualifiedName);
        Assert.Matches(@"^catch2\.names\.dots_and_slashes_x_[0-9a-f]{8}$", tests["dots and slashes  x"].FullyQualifiedName);
        Assert.Equal("catch2.names.with_comma", tests["with, comma"].FullyQualifiedName);
        Assert.Equal("catch2.names.hash_start", tests["#hash start"].FullyQualifiedName);
    }

    [Fact]
    public void List_AwkwardNames_WrappedNameStillGetsItsTags()
    {
        var tests = TestLister.List(FrameworkBinaries.Catch2Names()).ToDictionary(t => t.FrameworkName);

        var longName = tests.Single(t => t.Key.StartsWith("a very long", StringComparison.Ordinal)).Value;
        Assert.Equal([new TestTrait("Tag", "k")], longName.Traits);
        Assert.Equal([new TestTrait("Tag", "b")], tests["with"].Traits);
        Assert.Equal([new TestTrait("Tag", "!hide"), new TestTrait("Tag", "."), new TestTrait("Tag", "j"), new TestTrait("Hidden", "true")],
            tests["hidden one"].Traits);
    }

    [Fact]
    public void Escape_EveryListedName_SpecSelectsExactlyThatTest()
    {
        foreach (var binary in new[] { FrameworkBinaries.Catch2Fixture(), FrameworkBinaries.Catch2Names() })
        {
            foreach (var test in TestLister.List(binary))
            {
                Assert.Equal([test.FrameworkName], OracleNames(binary, Catch2Spec.Escape(test.FrameworkName)));
            }
        }
    }

    /// <summary><c>--list-test-names-only [spec]</c>: one name a line (<c>"#…"</c> quoted); exit code = count.</summary>
    private static List<string> OracleNames(TestBinary binary, params string[] spec) =>
        FrameworkBinaries.Lines(ProcessRunner.Run(binary.Path, ["--list-test-names-only", .. spec]))
            .Select(l => l.StartsWith("\"#", StringComparison.Ordinal) ? l[1..^1] : l)
            .Order(StringComparer.Ordinal)
            .ToList();
}
