namespace Harness.Symbols;

/// <summary>The flags of a line-table row (DWARF 5 §6.2.2 state machine registers that are booleans).</summary>
[Flags]
public enum LineFlags : byte
{
    None = 0,

    /// <summary>A recommended breakpoint location: the start of a statement.</summary>
    IsStatement = 1,

    /// <summary>The first byte after a sequence; its address belongs to no line.</summary>
    EndSequence = 2,
    BasicBlock = 4,
    PrologueEnd = 8,
    EpilogueBegin = 16,
}

/// <summary>
/// One row of a line table. <see cref="File"/> indexes <see cref="SourceMap.Files"/>, or is -1 when the
/// row named a file the line-program header does not have.
/// </summary>
public readonly record struct LineRow(ulong Address, int File, int Line, int Column, uint Discriminator, LineFlags Flags)
{
    public bool IsStatement => (Flags & LineFlags.IsStatement) != 0;

    public bool IsEndSequence => (Flags & LineFlags.EndSequence) != 0;
}

/// <summary>A half-open address range [Start, End).</summary>
public readonly record struct AddressRange(ulong Start, ulong End)
{
    public bool Contains(ulong address) => address >= Start && address < End;

    public override string ToString() => $"[0x{Start:x}, 0x{End:x})";
}

/// <summary>A call that the compiler inlined: the callee's name and where in the caller the call was written.</summary>
/// <param name="Name">Qualified name of the inlined function.</param>
/// <param name="Ranges">Addresses of the inlined copy.</param>
/// <param name="CallFile">Index into <see cref="SourceMap.Files"/> of the call site, or -1.</param>
/// <param name="CallLine">Line of the call site, or 0.</param>
/// <param name="Depth">1 for a call inlined straight into the function, 2 for one inlined into that, and so on.</param>
public readonly record struct InlinedCall(string Name, ArraySegment<AddressRange> Ranges, int CallFile, int CallLine, int Depth);

/// <summary>A function as DWARF describes it (a DW_TAG_subprogram with its definition resolved).</summary>
/// <param name="Name">Qualified name from the namespace / type nesting, e.g. <c>calc::tests::nested::case</c>.</param>
/// <param name="LinkageName">The mangled symbol name, when DWARF gives one.</param>
/// <param name="Ranges">Code addresses; empty for a function with no out-of-line code (inlined everywhere or dropped).</param>
/// <param name="DeclFile">Index into <see cref="SourceMap.Files"/>, or -1.</param>
/// <param name="DeclLine">Line of the declaration, or 0.</param>
/// <param name="Inlines">Calls inlined into this function, outermost first.</param>
public sealed record Function(
    string Name,
    string? LinkageName,
    ArraySegment<AddressRange> Ranges,
    int DeclFile,
    int DeclLine,
    IReadOnlyList<InlinedCall> Inlines)
{
    public bool HasCode => Ranges.Count > 0;

    public ulong LowPc
    {
        get
        {
            var low = ulong.MaxValue;
            foreach (var range in Ranges)
            {
                low = Math.Min(low, range.Start);
            }
            return Ranges.Count == 0 ? 0 : low;
        }
    }
}

/// <summary>One frame of an address lookup: the innermost inlined call first, the containing function last.</summary>
public readonly record struct SourceFrame(string Function, int File, int Line);

/// <summary>What an address maps to: its line-table row, its function, and the inline chain at that address.</summary>
public sealed record SourceLocation(ulong Address, int File, int Line, int Column, Function? Function, IReadOnlyList<SourceFrame> InlineChain);
