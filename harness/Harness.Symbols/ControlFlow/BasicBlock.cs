namespace Harness.Symbols.ControlFlow;

/// <summary>How control leaves a basic block: what its last instruction is, which decides what reaching the block proves.</summary>
public enum BlockExit : byte
{
    /// <summary>Runs into the next block: it ended only because the next instruction is a leader.</summary>
    FallThrough,

    /// <summary>An unconditional direct jump to a block of the same function.</summary>
    Jump,

    /// <summary>A conditional jump: <see cref="BasicBlock.Successors"/> holds the taken target first, then the fall-through.</summary>
    Branch,

    /// <summary>
    /// A call (direct or indirect). The call may not return (panic, <c>exit</c>, <c>longjmp</c>, an exception), so the block
    /// after it is a block of its own and reaching the call proves nothing after it.
    /// </summary>
    Call,

    /// <summary>A return, or a jump out of the function (a tail call): no successor in this function.</summary>
    Return,

    /// <summary>An instruction after which the thread may not go on: <c>int3</c>, <c>ud2</c>, <c>hlt</c>, <c>syscall</c> and the like.</summary>
    Stop,

    /// <summary>An indirect jump whose targets are not known (a jump table we could not resolve, a computed goto).</summary>
    IndirectJump,
}

/// <summary>
/// One basic block of a decoded function: [<see cref="Start"/>, <see cref="End"/>) is straight-line code entered only at
/// <see cref="Start"/> and left only after its last instruction, so a thread that enters it runs every instruction of it
/// unless it dies inside (a fault, a kill): then it stops at the faulting instruction, which the tracer reports.
/// Leaders (block starts) are the function entry, every branch target, the instruction after every branch and call,
/// and every line-table row address (so a row never starts inside a block, and loop back-edges that land in the
/// middle of a row start a block of their own).
/// </summary>
/// <param name="Start">Address of the first instruction (the file's own, before load bias).</param>
/// <param name="End">One past the last instruction.</param>
/// <param name="Exit">What the last instruction does.</param>
/// <param name="Successors">Indices of the blocks control can reach next inside the function (for a branch: taken target, then fall-through).</param>
/// <param name="BranchAddress">Address of the conditional jump ending the block (for <see cref="BlockExit.Branch"/>), else 0.</param>
/// <param name="Condition">
/// For a <see cref="BlockExit.Branch"/> that is a Jcc: its condition in the x86 encoding (the low nibble of the opcode:
/// 0 = jo, 4 = je, 0xc = jl, …), which the flags alone decide, so a tracer can tell the arm from EFLAGS at the jump.
/// −1 otherwise (and for <c>jrcxz</c>/<c>loop</c>, which read or change rcx).
/// </param>
/// <param name="CallTarget">
/// For a <see cref="BlockExit.Call"/> to a fixed address: that address. For an indirect call through a pointer at a
/// fixed address (<c>call [rip+x]</c>, a GOT slot): that slot's address, with <paramref name="CallThroughSlot"/>
/// (<see cref="MachineCode.PointerAt"/> reads it). Else 0.
/// </param>
/// <param name="ProbesStack">
/// The block touches each new page of a large stack frame (<c>sub rsp, 0x1000</c> then a store to <c>[rsp]</c>: gcc's
/// <c>-fstack-clash-protection</c>, LLVM's inline stack probes): its loop branch is the compiler's, not the source's.
/// </param>
/// <param name="CallThroughSlot">Whether <paramref name="CallTarget"/> is the address of a pointer to the callee.</param>
public sealed record BasicBlock(ulong Start, ulong End, BlockExit Exit, int[] Successors, ulong BranchAddress, int Condition = -1, ulong CallTarget = 0, bool ProbesStack = false, bool CallThroughSlot = false);
