using Harness.Core.Profiling;

namespace Harness.Core.Tests.Profiling;

/// <summary>The symbol-table fallback's demangling of Rust (legacy and v0) and simple C++ names.</summary>
public sealed class DemanglerTests
{
    [Theory]
    [InlineData("_ZN4calc5arith3gcd17h0123456789abcdefE", "calc::arith::gcd")]
    [InlineData("_ZN3foo3barEv", "foo::bar")]
    [InlineData("_RNvNtNtCsfEOYDRpO4Ta_11miniz_oxide7inflate4core15decompress_fast", "miniz_oxide::inflate::core::decompress_fast")]
    [InlineData("_RNvMs4_NtNtCsduwmD7cSIQq_5gimli4read6abbrevNtB5_13Abbreviations6insert", "gimli::read::abbrev::Abbreviations::insert")]
    [InlineData("hot_loop", "hot_loop")]
    [InlineData("_ZN12", "_ZN12")]
    public void Demangle_Symbol_ReadableName(string symbol, string expected) => Assert.Equal(expected, Demangler.Demangle(symbol));
}
