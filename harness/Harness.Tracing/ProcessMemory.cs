using System.Runtime.InteropServices;
using Harness.Tracing.Native;

namespace Harness.Tracing;

/// <summary>
/// Reads and writes a stopped tracee's memory through <c>/proc/PID/mem</c> (one pread/pwrite for many
/// bytes: 2 ms for 50k breakpoints against 135–197 ms word by word), falling back to PTRACE_PEEK/POKEDATA
/// where the kernel's proc-mem policy refuses writes.
/// </summary>
internal sealed unsafe class ProcessMemory : IDisposable
{
    private readonly int _fd;
    private bool _pokeOnly;

    public ProcessMemory(int pid)
    {
        Pid = pid;
        _fd = LibC.Open($"/proc/{pid}/mem", LibC.ORdWr | LibC.OCloExec);
        _pokeOnly = _fd < 0;
    }

    public int Pid { get; }

    /// <summary>Reads into <paramref name="buffer"/>; false when the memory is not readable.</summary>
    public bool TryRead(ulong address, Span<byte> buffer, int stoppedTid)
    {
        if (!_pokeOnly)
        {
            fixed (byte* p = buffer)
            {
                if (LibC.PRead(_fd, p, buffer.Length, (long)address) == buffer.Length)
                {
                    return true;
                }
            }
        }
        return TryPeek(address, buffer, stoppedTid);
    }

    /// <summary>Reads one mirrored C struct (<see cref="Native.RDebug"/>, <see cref="Native.LinkMap"/>); false when not readable.</summary>
    public bool TryRead<T>(ulong address, out T value, int stoppedTid) where T : unmanaged
    {
        value = default;
        return TryRead(address, MemoryMarshal.AsBytes(new Span<T>(ref value)), stoppedTid);
    }

    public void Write(ulong address, ReadOnlySpan<byte> bytes, int stoppedTid)
    {
        if (!_pokeOnly)
        {
            fixed (byte* p = bytes)
            {
                if (LibC.PWrite(_fd, p, bytes.Length, (long)address) == bytes.Length)
                {
                    return;
                }
            }
            _pokeOnly = true;
        }
        Poke(address, bytes, stoppedTid);
    }

    public void WriteByte(ulong address, byte value, int stoppedTid) => Write(address, [value], stoppedTid);

    public void Dispose()
    {
        if (_fd >= 0)
        {
            LibC.Close(_fd);
        }
    }

    private static bool TryPeek(ulong address, Span<byte> buffer, int tid)
    {
        var start = address & ~7UL;
        var end = address + (ulong)buffer.Length;
        for (var word = start; word < end; word += 8)
        {
            Marshal.SetLastPInvokeError(0);
            var value = LibC.Ptrace(Ptrace.PeekData, tid, (nint)word, 0);
            if (value == -1 && Marshal.GetLastPInvokeError() != 0)
            {
                return false;
            }
            for (var i = 0; i < 8; i++)
            {
                var at = word + (ulong)i;
                if (at >= address && at < end)
                {
                    buffer[(int)(at - address)] = (byte)(value >> (8 * i));
                }
            }
        }
        return true;
    }

    private static void Poke(ulong address, ReadOnlySpan<byte> bytes, int tid)
    {
        var start = address & ~7UL;
        var end = address + (ulong)bytes.Length;
        for (var word = start; word < end; word += 8)
        {
            Marshal.SetLastPInvokeError(0);
            var value = LibC.Ptrace(Ptrace.PeekData, tid, (nint)word, 0);
            if (value == -1 && Marshal.GetLastPInvokeError() != 0)
            {
                throw new TracerException($"cannot read tracee {tid} memory at 0x{word:x}: {LibC.ErrorText(Marshal.GetLastPInvokeError())}");
            }
            for (var i = 0; i < 8; i++)
            {
                var at = word + (ulong)i;
                if (at >= address && at < end)
                {
                    value = (long)(((ulong)value & ~(0xffUL << (8 * i))) | ((ulong)bytes[(int)(at - address)] << (8 * i)));
                }
            }
            if (LibC.Ptrace(Ptrace.PokeData, tid, (nint)word, (nint)value) == -1)
            {
                throw new TracerException($"cannot write tracee {tid} memory at 0x{word:x}: {LibC.ErrorText(Marshal.GetLastPInvokeError())}");
            }
        }
    }
}
