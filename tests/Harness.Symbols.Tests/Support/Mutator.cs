using System.Buffers.Binary;

namespace Harness.Symbols.Tests.Support;

/// <summary>A named byte range of a binary that mutations aim at.</summary>
internal readonly record struct Region(string Name, int Start, int Length);

/// <summary>One mutated copy of a binary and an exact description of what was changed.</summary>
internal sealed record Mutation(int Iteration, string Description, byte[] Bytes);

/// <summary>
/// Produces corrupted copies of a real binary, aimed where parsers trust the input: the ELF header, the
/// program and section header tables, the DWARF sections, and above all the headers of their units
/// (lengths, versions, offsets into other sections). Deterministic for a given <see cref="Random"/>.
/// The regions come from a deliberately minimal reading of the ELF64 header and unit lengths, so
/// a bug in Harness.Symbols cannot hide itself here.
/// </summary>
internal sealed class Mutator
{
    private static readonly ulong[] FieldValues = [0, 0xffff_ffff, 0xffff_ffff_ffff_ffff, 0x7fff_ffff, 0x8000_0000, 1, 0xffff_fff0];

    private readonly byte[] _original;
    private readonly List<Region> _tables = [];
    private readonly List<Region> _sections = [];
    private readonly List<Region> _unitHeaders = [];

    public Mutator(byte[] original, IReadOnlyList<ReadelfSection> sections)
    {
        _original = original;
        _tables.Add(new Region("ELF header", 0, 64));
        var phOff = BinaryPrimitives.ReadUInt64LittleEndian(original.AsSpan(0x20));
        var shOff = BinaryPrimitives.ReadUInt64LittleEndian(original.AsSpan(0x28));
        var phNum = BinaryPrimitives.ReadUInt16LittleEndian(original.AsSpan(0x38));
        var shNum = BinaryPrimitives.ReadUInt16LittleEndian(original.AsSpan(0x3c));
        _tables.Add(new Region("program headers", (int)phOff, phNum * 56));
        _tables.Add(new Region("section headers", (int)shOff, shNum * 64));
        foreach (var section in sections.Where(s => s.Name.StartsWith(".debug_", StringComparison.Ordinal) || s.Name.StartsWith(".zdebug_", StringComparison.Ordinal)))
        {
            if (section.Size == 0)
            {
                continue;
            }
            _sections.Add(new Region(section.Name, (int)section.Offset, (int)section.Size));
            if (section.IsCompressed || section.Name.StartsWith(".zdebug_", StringComparison.Ordinal))
            {
                _unitHeaders.Add(new Region($"{section.Name} compression header", (int)section.Offset, (int)Math.Min(24, section.Size)));
                continue;
            }
            if (section.Name is ".debug_info" or ".debug_line" or ".debug_rnglists" or ".debug_str_offsets" or ".debug_addr" or ".debug_aranges" or ".debug_loclists")
            {
                AddUnitHeaders(section);
            }
            else
            {
                _unitHeaders.Add(new Region($"{section.Name} start", (int)section.Offset, (int)Math.Min(48, section.Size)));
            }
        }
    }

    public int UnitHeaderCount => _unitHeaders.Count;

    public Mutation Next(Random random, int iteration)
    {
        var bytes = (byte[])_original.Clone();
        var region = PickRegion(random);
        var kind = random.Next(100);
        string description;
        if (kind < 25)
        {
            var count = random.Next(1, 9);
            var at = region.Start + random.Next(Math.Max(1, region.Length - count + 1));
            count = Math.Min(count, bytes.Length - at);
            var values = new byte[count];
            random.NextBytes(values);
            values.CopyTo(bytes, at);
            description = $"overwrite {count} bytes at {Where(region, at)} with {Convert.ToHexString(values)}";
        }
        else if (kind < 45)
        {
            var flips = random.Next(1, 9);
            var positions = new List<string>();
            for (var i = 0; i < flips; i++)
            {
                var at = region.Start + random.Next(region.Length);
                var bit = random.Next(8);
                bytes[at] ^= (byte)(1 << bit);
                positions.Add($"{Where(region, at)} bit {bit}");
            }
            description = $"flip {string.Join(", ", positions)}";
        }
        else if (kind < 70)
        {
            var width = random.Next(3) == 0 ? 8 : 4;
            var at = region.Start + random.Next(Math.Max(1, region.Length - width + 1));
            width = Math.Min(width, bytes.Length - at);
            var value = FieldValues[random.Next(FieldValues.Length)];
            Span<byte> field = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(field, value);
            field[..width].CopyTo(bytes.AsSpan(at));
            description = $"set the {width}-byte field at {Where(region, at)} to 0x{value & (width == 8 ? ulong.MaxValue : 0xffff_ffff):x}";
        }
        else if (kind < 80)
        {
            var length = random.Next(2) == 0 ? region.Start + random.Next(region.Length) : random.Next(bytes.Length);
            description = $"truncate to {length} bytes (0x{length:x}, in {RegionAt(length)})";
            bytes = bytes[..length];
        }
        else if (kind < 95)
        {
            var count = random.Next(1, Math.Min(256, region.Length) + 1);
            var from = region.Start + random.Next(region.Length - count + 1);
            var to = region.Start + random.Next(region.Length - count + 1);
            Array.Copy(_original, from, bytes, to, count);
            description = $"copy {count} bytes from {Where(region, from)} over {Where(region, to)}";
        }
        else
        {
            var count = random.Next(1, Math.Min(256, region.Length) + 1);
            var from = region.Start + random.Next(region.Length - count + 1);
            var to = region.Start + random.Next(region.Length);
            bytes = [.. _original.AsSpan(0, to), .. _original.AsSpan(from, count), .. _original.AsSpan(to)];
            description = $"insert a copy of {count} bytes from {Where(region, from)} at {Where(region, to)}, shifting the rest of the file";
        }
        return new Mutation(iteration, description, bytes);
    }

    private Region PickRegion(Random random)
    {
        var roll = random.Next(100);
        if (roll < 20 || _sections.Count == 0)
        {
            return _tables[random.Next(_tables.Count)];
        }
        if (roll < 55 || _unitHeaders.Count == 0)
        {
            return _sections[random.Next(_sections.Count)];
        }
        return _unitHeaders[random.Next(_unitHeaders.Count)];
    }

    /// <summary>Walks the unit_length fields of a section (32- and 64-bit DWARF) and adds each unit's first bytes.</summary>
    private void AddUnitHeaders(ReadelfSection section)
    {
        long offset = 0;
        while (offset + 4 <= section.Size)
        {
            var at = (int)(section.Offset + offset);
            ulong length = BinaryPrimitives.ReadUInt32LittleEndian(_original.AsSpan(at));
            var lengthSize = 4;
            if (length == 0xffff_ffff)
            {
                length = BinaryPrimitives.ReadUInt64LittleEndian(_original.AsSpan(at + 4));
                lengthSize = 12;
            }
            _unitHeaders.Add(new Region($"{section.Name} unit at 0x{offset:x}", at, (int)Math.Min(40, section.Size - offset)));
            if (length == 0 || length > (ulong)section.Size)
            {
                break;
            }
            offset += lengthSize + (long)length;
        }
    }

    private string Where(Region region, int at) => $"file offset 0x{at:x} ({region.Name} +0x{at - region.Start:x})";

    private string RegionAt(int offset)
    {
        foreach (var region in _sections.Concat(_tables))
        {
            if (offset >= region.Start && offset < region.Start + region.Length)
            {
                return $"{region.Name} +0x{offset - region.Start:x}";
            }
        }
        return "no debug section or table";
    }
}
