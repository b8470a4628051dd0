using Harness.Reporters.Coverage;

namespace Harness.Reporters.Tests;

public class CoverageWritersTests
{
    [Theory]
    [InlineData("lcov", typeof(LcovWriter))]
    [InlineData("LCOV", typeof(LcovWriter))]
    [InlineData("cobertura", typeof(CoberturaWriter))]
    [InlineData(" Cobertura ", typeof(CoberturaWriter))]
    public void Create_KnownFormat_ReturnsItsWriter(string format, Type expected) =>
        Assert.IsType(expected, CoverageWriters.Create(format));

    [Fact]
    public void Create_EveryListedFormat_HasAWriterWithADefaultFileName()
    {
        foreach (var format in CoverageWriters.Formats)
        {
            Assert.False(string.IsNullOrWhiteSpace(CoverageWriters.Create(format).DefaultFileName));
        }
    }

    [Fact]
    public void Create_UnknownFormat_ThrowsNamingTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => CoverageWriters.Create("jacoco"));
        Assert.Contains("jacoco", error.Message, StringComparison.Ordinal);
        Assert.Contains("lcov", error.Message, StringComparison.Ordinal);
        Assert.Contains("cobertura", error.Message, StringComparison.Ordinal);
        Assert.False(CoverageWriters.TryCreate("jacoco", out _));
    }
}
