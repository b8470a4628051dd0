using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Harness.Symbols.Dwarf;

/// <summary>
/// A bounds-checked little-endian cursor over one DWARF section. Every read past the end raises
/// <see cref="MalformedException"/>; nothing here trusts a length it has not checked.
/// </summary>
internal ref struct DwarfReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public DwarfReader(ReadOnlySpan<byte> data, int position = 0)
    {
        _data = data;
        if ((uint)position > (uint)data.Length)
        {
            throw new MalformedException($"offset 0x{position:x} is past the end of the section (0x{data.Length:x} bytes)");
        }
        _position = position;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public readonly bool AtEnd => _position >= _data.Length;

    public readonly ReadOnlySpan<byte> Data => _data;

    public void Seek(long position)
    {
        if ((ulong)position > (ulong)_data.Length)
        {
            throw new MalformedException($"offset 0x{position:x} is past the end of the section (0x{_data.Length:x} bytes)");
        }
        _position = (int)position;
    }

    public void Skip(ulong count)
    {
        if (count > (ulong)Remaining)
        {
            throw Truncated(count);
        }
        _position += (int)count;
    }

    public ReadOnlySpan<byte> ReadBytes(ulong count)
    {
        if (count > (ulong)Remaining)
        {
            throw Truncated(count);
        }
        var bytes = _data.Slice(_position, (int)count);
        _position += (int)count;
        return bytes;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadU8()
    {
        if (_position >= _data.Length)
        {
            throw Truncated(1);
        }
        return _data[_position++];
    }

    public ushort ReadU16() => BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2));

    public uint ReadU24()
    {
        var b = ReadBytes(3);
        return (uint)(b[0] | (b[1] << 8) | (b[2] << 16));
    }

    public uint ReadU32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));

    public ulong ReadU64() => BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));

    /// <summary>Reads an unsigned value of 1, 2, 4 or 8 bytes (an address or an offset).</summary>
    public ulong ReadUnsigned(int size) => size switch
    {
        1 => ReadU8(),
        2 => ReadU16(),
        4 => ReadU32(),
        8 => ReadU64(),
        _ => throw new MalformedException($"unsupported address or offset size {size}"),
    };

    /// <summary>Reads a DWARF offset: 4 bytes in 32-bit DWARF, 8 in 64-bit DWARF.</summary>
    public ulong ReadOffset(bool is64) => is64 ? ReadU64() : ReadU32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadUleb128()
    {
        // Fast path: most values fit one byte.
        if (_position < _data.Length && _data[_position] < 0x80)
        {
            return _data[_position++];
        }
        return ReadUleb128Slow();
    }

    private ulong ReadUleb128Slow()
    {
        ulong result = 0;
        var shift = 0;
        while (true)
        {
            var b = ReadU8();
            if (shift < 64)
            {
                result |= (ulong)(b & 0x7f) << shift;
            }
            shift += 7;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
    }

    public long ReadSleb128()
    {
        long result = 0;
        var shift = 0;
        byte b;
        do
        {
            b = ReadU8();
            if (shift < 64)
            {
                result |= (long)(b & 0x7f) << shift;
            }
            shift += 7;
        }
        while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0)
        {
            result |= -1L << shift;
        }
        return result;
    }

    /// <summary>Skips a NUL-terminated string and returns its bytes (without the NUL).</summary>
    public ReadOnlySpan<byte> ReadCString()
    {
        var rest = _data[_position..];
        var end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            throw new MalformedException($"unterminated string at offset 0x{_position:x}");
        }
        _position += end + 1;
        return rest[..end];
    }

    /// <summary>
    /// Reads a unit or header length: 32-bit, or 0xffffffff followed by a 64-bit length (64-bit DWARF).
    /// </summary>
    public ulong ReadInitialLength(out bool is64)
    {
        var length = ReadU32();
        if (length == 0xffff_ffff)
        {
            is64 = true;
            return ReadU64();
        }
        if (length >= 0xffff_fff0)
        {
            throw new MalformedException($"reserved unit length 0x{length:x} at offset 0x{_position - 4:x}");
        }
        is64 = false;
        return length;
    }

    public static string DecodeString(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private readonly MalformedException Truncated(ulong wanted) =>
        new($"truncated data: {wanted} bytes wanted at offset 0x{_position:x}, {Remaining} left");
}
