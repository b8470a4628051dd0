namespace Harness.Symbols;

/// <summary>
/// Caps on counts and sizes read from a binary. Every length in an ELF or DWARF file is hostile
/// until checked against the bytes that are really there; these bound what is left after that.
/// </summary>
internal static class Limits
{
    /// <summary>Largest decompressed debug section we accept (real ones are tens of MB).</summary>
    public const long MaxDecompressedSection = int.MaxValue;

    /// <summary>Inflated size over compressed size beyond which a section is a bomb (debug sections manage 3–20×).</summary>
    public const long MaxCompressionRatio = 64;

    /// <summary>Small sections may compress better than the ratio allows; below this size we do not ask.</summary>
    public const long MinDecompressedLimit = 16L << 20;

    /// <summary>
    /// Upper bound on list capacities reserved from a section's size before its content proves it: a hostile
    /// size must not reserve gigabytes. Real lists grow past it by doubling.
    /// </summary>
    public const int MaxReservedEntries = 1 << 20;

    /// <summary>Chains of DW_AT_specification / DW_AT_abstract_origin longer than this are cycles.</summary>
    public const int MaxReferenceHops = 16;

    /// <summary>DIE nesting deeper than this is corrupt (real code stays under 64).</summary>
    public const int MaxDieDepth = 1024;

    /// <summary>Attributes per abbreviation; DWARF producers use a few dozen at most.</summary>
    public const int MaxAttributesPerAbbreviation = 512;

    /// <summary>File and directory entries in one line-program header.</summary>
    public const int MaxLineTableEntries = 1 << 20;

    /// <summary>Entry formats in a DWARF 5 line-program header (the spec defines 5 content types).</summary>
    public const int MaxEntryFormats = 64;
}
