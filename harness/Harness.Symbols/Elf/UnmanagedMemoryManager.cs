using System.Buffers;

namespace Harness.Symbols.Elf;

/// <summary>Lets a memory-mapped view be handed around as <see cref="Memory{T}"/> without copying.</summary>
internal sealed unsafe class UnmanagedMemoryManager(byte* pointer, int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => new(pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
