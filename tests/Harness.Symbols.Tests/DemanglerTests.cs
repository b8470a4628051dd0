using Harness.Symbols;

namespace Harness.Symbols.Tests;

/// <summary>Demangling of the names llvm-cov reports and of ELF symbols without DWARF: Rust legacy and v0, simple C++.</summary>
public sealed class DemanglerTests
{
    [Theory]
    [InlineData("_ZN4calc5arith3gcd17h0123456789abcdefE", "calc::arith::gcd")]
    [InlineData("_ZN4calc5parse8tokenize17h0123456789abcdefE", "calc::parse::tokenize")]
    [InlineData("_ZN48_$LT$calc..Num$u20$as$u20$core..fmt..Display$GT$3fmt17h0123456789abcdefE", "<calc::Num as core::fmt::Display>::fmt")]
    [InlineData("_ZN3foo3barEv", "foo::bar")]
    [InlineData("_RNvCs6mEINUzFH5k_6shapes4area", "shapes::area")]
    [InlineData("_RNvNtCsbDqzXfLQacH_4calc5tests4adds", "calc::tests::adds")]
    [InlineData("_RNCNvCs6mEINUzFH5k_6shapes4main0", "shapes::main::{closure#0}")]
    [InlineData("_RNvNtNtCsfEOYDRpO4Ta_11miniz_oxide7inflate4core15decompress_fast", "miniz_oxide::inflate::core::decompress_fast")]
    [InlineData("_RNvMs4_NtNtCsduwmD7cSIQq_5gimli4read6abbrevNtB5_13Abbreviations6insert", "gimli::read::abbrev::Abbreviations::insert")]
    [InlineData("_RNvMs_NtCs1_4calc5parseNtB4_9Tokenizer4next", "calc::parse::Tokenizer::next")]
    [InlineData("src/lib.rs:_ZN4calc5arith3gcd17h0123456789abcdefE", "calc::arith::gcd")]
    public void Demangle_MangledName_ReadablePath(string symbol, string expected) => Assert.Equal(expected, Demangler.Demangle(symbol));

    [Theory]
    [InlineData("main")]
    [InlineData("hot_loop")]
    [InlineData("_ZN12")]
    [InlineData("_ZN3foo")]
    [InlineData("_RNvC")]
    [InlineData("_R")]
    public void Demangle_NotAMangledNameItReads_SymbolUnchanged(string symbol) => Assert.Equal(symbol, Demangler.Demangle(symbol));
}
