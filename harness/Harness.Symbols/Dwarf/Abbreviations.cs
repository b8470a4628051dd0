namespace Harness.Symbols.Dwarf;

/// <summary>One attribute specification of an abbreviation (DWARF 5 §7.5.3).</summary>
internal readonly record struct AttributeSpec(ushort Name, ushort Form, long ImplicitConst);

/// <summary>
/// One abbreviation: the shape shared by many DIEs. <see cref="FixedSize"/> is the byte size of all its
/// attribute values when every form has a fixed size for the unit's format (or -1): DIEs we do not
/// care about are then skipped with one addition instead of an attribute-by-attribute walk.
/// </summary>
internal sealed class Abbreviation(ushort tag, bool hasChildren, AttributeSpec[] attributes, int fixedSize)
{
    public ushort Tag { get; } = tag;

    public bool HasChildren { get; } = hasChildren;

    public AttributeSpec[] Attributes { get; } = attributes;

    public int FixedSize { get; } = fixedSize;
}

/// <summary>The abbreviation table at one offset of <c>.debug_abbrev</c>, for one unit format.</summary>
internal sealed class AbbreviationTable
{
    private readonly Abbreviation?[] _dense;
    private readonly Dictionary<ulong, Abbreviation> _sparse;

    private AbbreviationTable(Abbreviation?[] dense, Dictionary<ulong, Abbreviation> sparse)
    {
        _dense = dense;
        _sparse = sparse;
    }

    public Abbreviation Get(ulong code)
    {
        if (code < (ulong)_dense.Length && _dense[code] is { } abbreviation)
        {
            return abbreviation;
        }
        return _sparse.TryGetValue(code, out abbreviation)
            ? abbreviation
            : throw new MalformedException($"DIE uses abbreviation code {code}, which its table does not define");
    }

    public static AbbreviationTable Read(ReadOnlySpan<byte> section, ulong offset, UnitFormat format)
    {
        if (offset >= (ulong)section.Length)
        {
            throw new MalformedException($"abbreviation offset 0x{offset:x} is outside .debug_abbrev");
        }
        var reader = new DwarfReader(section, (int)offset);
        var dense = new List<Abbreviation?>();
        var sparse = new Dictionary<ulong, Abbreviation>();
        var attributes = new List<AttributeSpec>();
        while (true)
        {
            var code = reader.ReadUleb128();
            if (code == 0)
            {
                break;
            }
            var tag = reader.ReadUleb128();
            var hasChildren = reader.ReadU8() != 0;
            attributes.Clear();
            var fixedSize = 0;
            while (true)
            {
                var name = reader.ReadUleb128();
                var form = reader.ReadUleb128();
                if (name == 0 && form == 0)
                {
                    break;
                }
                var implicitConst = form == DwForm.ImplicitConst ? reader.ReadSleb128() : 0;
                if (attributes.Count >= Limits.MaxAttributesPerAbbreviation)
                {
                    throw new MalformedException($"abbreviation {code} has more than {Limits.MaxAttributesPerAbbreviation} attributes");
                }
                var spec = new AttributeSpec(Clamp(name), Clamp(form), implicitConst);
                attributes.Add(spec);
                var size = format.FixedFormSize(spec.Form);
                fixedSize = fixedSize < 0 || size < 0 ? -1 : fixedSize + size;
            }
            var abbreviation = new Abbreviation(Clamp(tag), hasChildren, [.. attributes], fixedSize);
            if (code < 4096)
            {
                while ((ulong)dense.Count <= code)
                {
                    dense.Add(null);
                }
                dense[(int)code] = abbreviation;
            }
            else
            {
                sparse[code] = abbreviation;
            }
        }
        return new AbbreviationTable([.. dense], sparse);
    }

    // Unknown values above 0xffff are kept distinct from every name and form we act on.
    private static ushort Clamp(ulong value) => value <= 0xffff ? (ushort)value : (ushort)0xffff;
}

/// <summary>What the encoding of attribute values depends on: DWARF version, address size, 32/64-bit offsets.</summary>
internal readonly record struct UnitFormat(int Version, int AddressSize, bool Is64)
{
    public int OffsetSize => Is64 ? 8 : 4;

    /// <summary>The size of a value of this form, or -1 when it is variable or unknown.</summary>
    public int FixedFormSize(ushort form) => form switch
    {
        DwForm.Addr => AddressSize,
        DwForm.Data1 or DwForm.Ref1 or DwForm.Flag or DwForm.Strx1 or DwForm.Addrx1 => 1,
        DwForm.Data2 or DwForm.Ref2 or DwForm.Strx2 or DwForm.Addrx2 => 2,
        DwForm.Strx3 or DwForm.Addrx3 => 3,
        DwForm.Data4 or DwForm.Ref4 or DwForm.RefSup4 or DwForm.Strx4 or DwForm.Addrx4 => 4,
        DwForm.Data8 or DwForm.Ref8 or DwForm.RefSig8 or DwForm.RefSup8 => 8,
        DwForm.Data16 => 16,
        DwForm.Strp or DwForm.LineStrp or DwForm.SecOffset or DwForm.StrpSup or DwForm.GnuRefAlt or DwForm.GnuStrpAlt => OffsetSize,
        DwForm.RefAddr => Version <= 2 ? AddressSize : OffsetSize,
        DwForm.FlagPresent or DwForm.ImplicitConst => 0,
        _ => -1,
    };
}
