using Harness.Core.Frameworks.Catch2;


namespace Harness.Core.Tests.Frameworks;

public sealed class Catch2SpecTests
{
    [Theory]
    [InlineData("plain name", "plain name")]
    [InlineData("with, comma", @"with\, comma")]
    [InlineData("with [bracket] inside", @"with \[bracket] inside")]
    [InlineData(@"back\slash", @"back\\slash")]
    [InlineData("has \"quote\"", "has \\\"quote\\\"")]
    [InlineData("~tilde start", @"\~tilde start")]
    [InlineData("mid~tilde", "mid~tilde")]
    [InlineData("#hash start", "#hash start")]
    public void Escape_SpecialCharacters_BackslashedOnlyWhereCatch2ReadsThem(string name, string expected) =>
        Assert.Equal(expected, Catch2Spec.Escape(name));
}
