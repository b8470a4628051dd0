using Iced.Intel;

namespace Harness.Symbols.ControlFlow;

/// <summary>
/// The control-flow graph of one function recovered from its machine code with Iced: basic blocks and the dominator
/// tree. Blocks nothing in the function jumps to (exception landing pads, entered by the unwinder) are extra roots:
/// the dominator tree hangs every root under a virtual root, <see cref="Parent"/> −1.
/// </summary>
public sealed class FunctionGraph
{
    private FunctionGraph(BasicBlock[] blocks, int[] parent, int[][] predecessors)
    {
        Blocks = blocks;
        Parent = parent;
        Predecessors = predecessors;
    }

    /// <summary>Blocks in address order; block 0 starts at the function's entry.</summary>
    public IReadOnlyList<BasicBlock> Blocks { get; }

    /// <summary>Immediate dominator of each block, or −1 for a root (the entry, and blocks with no predecessor).</summary>
    public int[] Parent { get; }

    public int[][] Predecessors { get; }

    /// <summary>
    /// Whether reaching one of a block's successors is the only way its execution can end (its exit is a fall-through,
    /// a jump or a conditional branch, and every successor is strictly dominated by it): then the block needs no probe of
    /// its own, because a probe in its dominator subtree proves it ran.
    /// </summary>
    public bool IsInferable(int block)
    {
        var b = Blocks[block];
        if (b.Exit is not (BlockExit.FallThrough or BlockExit.Jump or BlockExit.Branch) || b.Successors.Length == 0)
        {
            return false;
        }
        foreach (var successor in b.Successors)
        {
            if (successor == block || !StrictlyDominates(block, successor))
            {
                return false;
            }
        }
        return true;
    }

    public bool StrictlyDominates(int dominator, int block)
    {
        for (var b = Parent[block]; b >= 0; b = Parent[b])
        {
            if (b == dominator)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The index of the block holding an address, or −1.</summary>
    public int BlockAt(ulong address)
    {
        int low = 0, high = Blocks.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >> 1;
            var b = Blocks[mid];
            if (address < b.Start)
            {
                high = mid - 1;
            }
            else if (address >= b.End)
            {
                low = mid + 1;
            }
            else
            {
                return mid;
            }
        }
        return -1;
    }

    /// <summary>
    /// Decodes a function's code ranges and builds its graph, or returns null with the reason when the code cannot be
    /// decoded safely (an invalid instruction, a branch into the middle of an instruction, a row address that is not an
    /// instruction start, an indirect jump whose targets are unknown): the caller then probes the function line by line.
    /// </summary>
    /// <param name="code">The code: (start address, bytes) per range of the function, entry range first.</param>
    /// <param name="extraLeaders">Addresses that must start a block (line-table rows); those outside the ranges are ignored.</param>
    public static FunctionGraph? Build(IReadOnlyList<(ulong Start, ReadOnlyMemory<byte> Bytes)> code, IEnumerable<ulong> extraLeaders, out string? problem)
    {
        problem = null;
        var instructions = new List<Instruction>();
        var rangeStarts = new HashSet<ulong>();
        foreach (var (start, bytes) in code)
        {
            rangeStarts.Add(start);
            var decoder = Decoder.Create(64, new MemoryCodeReader(bytes), start, DecoderOptions.None);
            var end = start + (ulong)bytes.Length;
            while (decoder.IP < end)
            {
                decoder.Decode(out var instruction);
                if (instruction.IsInvalid || instruction.NextIP > end)
                {
                    problem = $"undecodable instruction at 0x{instruction.IP:x}";
                    return null;
                }
                instructions.Add(instruction);
            }
        }
        if (instructions.Count == 0)
        {
            problem = "no code";
            return null;
        }
        if (code.Count > 1)
        {
            instructions.Sort((a, b) => a.IP.CompareTo(b.IP));
        }
        var ips = new ulong[instructions.Count];
        for (var i = 0; i < ips.Length; i++)
        {
            ips[i] = instructions[i].IP;
        }
        var leader = new bool[ips.Length];
        bool MarkLeader(ulong address)
        {
            var index = Array.BinarySearch(ips, address);
            if (index < 0)
            {
                return false;
            }
            leader[index] = true;
            return true;
        }
        foreach (var (start, _) in code)
        {
            MarkLeader(start);
        }
        foreach (var address in extraLeaders)
        {
            if (!MarkLeader(address) && InRanges(code, address))
            {
                problem = $"line-table row at 0x{address:x} is not an instruction start";
                return null;
            }
        }
        for (var i = 0; i < instructions.Count; i++)
        {
            var instruction = instructions[i];
            var flow = instruction.FlowControl;
            if (flow == FlowControl.Next && !IsStop(instruction))
            {
                continue;
            }
            if (i + 1 < leader.Length)
            {
                leader[i + 1] = true;
            }
            if (flow is FlowControl.ConditionalBranch or FlowControl.UnconditionalBranch && IsNearBranch(instruction))
            {
                var target = instruction.NearBranchTarget;
                if (!MarkLeader(target) && InRanges(code, target))
                {
                    problem = $"branch at 0x{instruction.IP:x} into the middle of an instruction (0x{target:x})";
                    return null;
                }
            }
            else if (flow == FlowControl.IndirectBranch)
            {
                problem = $"indirect jump at 0x{instruction.IP:x}";
                return null;
            }
        }

        // Blocks: runs of instructions from one leader to the next (or to a gap between ranges).
        var blockStarts = new List<int>();
        for (var i = 0; i < instructions.Count; i++)
        {
            if (i == 0 || leader[i] || instructions[i - 1].NextIP != instructions[i].IP)
            {
                blockStarts.Add(i);
            }
        }
        var startAddresses = new ulong[blockStarts.Count];
        for (var b = 0; b < startAddresses.Length; b++)
        {
            startAddresses[b] = ips[blockStarts[b]];
        }
        int BlockStartingAt(ulong address)
        {
            var index = Array.BinarySearch(startAddresses, address);
            return index >= 0 ? index : -1;
        }
        var blocks = new BasicBlock[blockStarts.Count];
        for (var b = 0; b < blockStarts.Count; b++)
        {
            var lastIndex = (b + 1 < blockStarts.Count ? blockStarts[b + 1] : instructions.Count) - 1;
            var last = instructions[lastIndex];
            var first = instructions[blockStarts[b]];
            var next = BlockStartingAt(last.NextIP);
            BlockExit exit;
            int[] successors;
            ulong branch = 0, callTarget = 0;
            var throughSlot = false;
            var condition = -1;
            switch (last.FlowControl)
            {
                case FlowControl.Next when !IsStop(last):
                    exit = next < 0 ? BlockExit.Return : BlockExit.FallThrough;
                    successors = next < 0 ? [] : [next];
                    break;
                case FlowControl.UnconditionalBranch when IsNearBranch(last):
                    var target = BlockStartingAt(last.NearBranchTarget);
                    exit = target >= 0 ? BlockExit.Jump : BlockExit.Return;
                    successors = target >= 0 ? [target] : [];
                    break;
                case FlowControl.ConditionalBranch when IsNearBranch(last):
                    exit = BlockExit.Branch;
                    branch = last.IP;
                    condition = last.IsJccShortOrNear ? (int)last.ConditionCode - (int)ConditionCode.o : -1;
                    var taken = BlockStartingAt(last.NearBranchTarget);
                    successors = taken == next ? [taken] : [taken, next];
                    if (taken < 0 || next < 0)
                    {
                        // An arm that leaves the function (a conditional tail call): nothing after it can prove it ran.
                        exit = BlockExit.Call;
                        successors = taken >= 0 ? [taken] : next >= 0 ? [next] : [];
                    }
                    break;
                case FlowControl.Call:
                    exit = BlockExit.Call;
                    callTarget = IsNearBranch(last) ? last.NearBranchTarget : 0;
                    successors = next < 0 ? [] : [next];
                    break;
                case FlowControl.IndirectCall:
                    exit = BlockExit.Call;
                    if (last.IsIPRelativeMemoryOperand)
                    {
                        callTarget = last.IPRelativeMemoryAddress;
                        throughSlot = true;
                    }
                    successors = next < 0 ? [] : [next];
                    break;
                case FlowControl.Return:
                    exit = BlockExit.Return;
                    successors = [];
                    break;
                case FlowControl.IndirectBranch:
                    exit = BlockExit.IndirectJump;
                    successors = [];
                    break;
                default:
                    exit = BlockExit.Stop;
                    successors = [];
                    break;
            }
            var probesStack = exit == BlockExit.Branch && ProbesStack(instructions, blockStarts[b], lastIndex);
            blocks[b] = new BasicBlock(first.IP, last.NextIP, exit, successors, branch, condition, callTarget, probesStack, throughSlot);
        }
        var predecessors = new List<int>[blocks.Length];
        for (var b = 0; b < blocks.Length; b++)
        {
            predecessors[b] = [];
        }
        for (var b = 0; b < blocks.Length; b++)
        {
            foreach (var s in blocks[b].Successors)
            {
                predecessors[s].Add(b);
            }
        }
        var preds = predecessors.Select(p => p.ToArray()).ToArray();
        return new FunctionGraph(blocks, Dominators.Compute(blocks, preds), preds);
    }

    /// <summary>
    /// Decodes a few instructions of each flow kind once, so Iced's tables and this code are compiled before the first real
    /// function needs them: a planner starts this on another thread while the line tables load (the first decode otherwise
    /// costs more than all the others of a 600-function program together).
    /// </summary>
    public static void WarmUp()
    {
        // push rbp; test edi, edi; je +5; call +0; jmp -12; ret
        byte[] code = [0x55, 0x85, 0xff, 0x74, 0x07, 0xe8, 0x00, 0x00, 0x00, 0x00, 0xeb, 0xf4, 0xc3, 0x90, 0x90];
        Build([(0x1000, code)], [0x1001UL], out _);
    }

    private static bool InRanges(IReadOnlyList<(ulong Start, ReadOnlyMemory<byte> Bytes)> code, ulong address)
    {
        foreach (var (start, bytes) in code)
        {
            if (address >= start && address < start + (ulong)bytes.Length)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Whether instructions [from, to] step the stack pointer down one page and touch the new page (<c>sub rsp, 0x1000</c>
    /// and an <c>or</c>/<c>mov</c> to <c>[rsp]</c>): the stack-probe loop gcc (<c>-fstack-clash-protection</c>) and LLVM
    /// emit for a frame larger than a page.
    /// </summary>
    private static bool ProbesStack(List<Instruction> instructions, int from, int to)
    {
        bool steps = false, touches = false;
        for (var i = from; i <= to; i++)
        {
            var instruction = instructions[i];
            if (instruction.Mnemonic == Mnemonic.Sub && instruction.Op0Kind == OpKind.Register && instruction.Op0Register == Register.RSP
                && instruction.Op1Kind is OpKind.Immediate32to64 or OpKind.Immediate32 && instruction.Immediate32 == 0x1000)
            {
                steps = true;
            }
            else if (instruction.Mnemonic is Mnemonic.Or or Mnemonic.Mov && instruction.Op0Kind == OpKind.Memory
                && instruction.MemoryBase == Register.RSP && instruction.MemoryIndex == Register.None && instruction.MemoryDisplacement64 == 0)
            {
                touches = true;
            }
        }
        return steps && touches;
    }

    private static bool IsNearBranch(in Instruction instruction) =>
        instruction.Op0Kind is OpKind.NearBranch64 or OpKind.NearBranch32 or OpKind.NearBranch16;

    /// <summary>Instructions after which a thread may not go on although Iced calls their flow "next".</summary>
    private static bool IsStop(in Instruction instruction) =>
        instruction.Mnemonic is Mnemonic.Syscall or Mnemonic.Sysenter or Mnemonic.Hlt;

    /// <summary>Feeds Iced from a slice of a mapped file, without copying it.</summary>
    private sealed class MemoryCodeReader(ReadOnlyMemory<byte> bytes) : CodeReader
    {
        private int _position;

        public override int ReadByte() => _position < bytes.Length ? bytes.Span[_position++] : -1;
    }
}
