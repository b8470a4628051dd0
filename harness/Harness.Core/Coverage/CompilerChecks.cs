using Harness.Symbols;
using Harness.Symbols.ControlFlow;

namespace Harness.Core.Coverage;

/// <summary>
/// The rule for conditional branches the compiler adds on its own, which <see cref="BranchCoverage.Written"/> leaves
/// out (a user can neither see nor take their other arm). A branch is the compiler's when:
/// <list type="bullet">
/// <item>one of its arms goes, through at most <see cref="MaxChain"/> blocks with no other way out, to a call of a Rust
/// runtime check: <c>core::panicking::panic_const::*</c> (overflow of <c>+ - * / % &lt;&lt; &gt;&gt;</c> and negation, division
/// by zero), <c>core::panicking::panic_bounds_check</c> (indexing), <c>core::panicking::panic_misaligned_pointer_dereference</c>
/// and <c>core::panicking::panic_null_pointer_dereference</c> (debug pointer checks). Panics the source asks for
/// (<c>assert!</c>, <c>unwrap</c>, <c>panic!</c>: <c>core::panicking::panic_fmt</c>, <c>assert_failed</c>, …) stay;</item>
/// <item>it closes a stack-probe loop (<see cref="BasicBlock.ProbesStack"/>).</item>
/// </list>
/// Not recognised, so kept: Rust drop flags (a test of a stack byte: nothing in the machine code tells it from a
/// <c>bool</c>). Never seen, because functions with an indirect jump are not decoded (line probes, no branches):
/// the range check in front of a <c>switch</c> jump table.
/// </summary>
/// <param name="symbols">The image's symbols, to name call targets (null: none known, so nothing is the compiler's).</param>
/// <param name="pointerAt">Reads a pointer slot of the image (<see cref="MachineCode.PointerAt"/>), for calls through the GOT.</param>
internal sealed class CompilerChecks(ElfSymbolTable? symbols, Func<ulong, ulong> pointerAt)
{
    private const int MaxChain = 4;

    private static readonly string[] RuntimeChecks =
    [
        "core::panicking::panic_const::",
        "core::panicking::panic_bounds_check",
        "core::panicking::panic_misaligned_pointer_dereference",
        "core::panicking::panic_null_pointer_dereference",
    ];

    private readonly Dictionary<ulong, bool> _isCheck = [];

    /// <summary>Whether the branch ending <paramref name="block"/> is the compiler's.</summary>
    public bool IsCompilers(FunctionGraph graph, int block)
    {
        var branch = graph.Blocks[block];
        if (branch.ProbesStack)
        {
            return true;
        }
        foreach (var arm in branch.Successors)
        {
            if (ReachesRuntimeCheck(graph, arm, block))
            {
                return true;
            }
        }
        return false;
    }

    private bool ReachesRuntimeCheck(FunctionGraph graph, int block, int branch)
    {
        for (var step = 0; step < MaxChain && block != branch; step++)
        {
            var b = graph.Blocks[block];
            if (b.Exit == BlockExit.Call)
            {
                var target = b.CallThroughSlot ? pointerAt(b.CallTarget) : b.CallTarget;
                return target != 0 && IsRuntimeCheck(target);
            }
            if (b.Exit is not (BlockExit.FallThrough or BlockExit.Jump) || b.Successors.Length != 1)
            {
                return false;
            }
            block = b.Successors[0];
        }
        return false;
    }

    private bool IsRuntimeCheck(ulong address)
    {
        if (symbols is null)
        {
            return false;
        }
        if (!_isCheck.TryGetValue(address, out var isCheck))
        {
            var name = SymbolAt(symbols.Symbols, address) is { } symbol ? Demangler.Demangle(symbol) : "";
            isCheck = RuntimeChecks.Any(check => name.StartsWith(check, StringComparison.Ordinal));
            _isCheck[address] = isCheck;
        }
        return isCheck;
    }

    /// <summary>The function symbol starting at an address (a call's target), or null.</summary>
    private static string? SymbolAt(IReadOnlyList<ElfSymbol> sorted, ulong address)
    {
        int low = 0, high = sorted.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >> 1;
            if (sorted[mid].Address < address)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        for (var i = low; i < sorted.Count && sorted[i].Address == address; i++)
        {
            if (sorted[i].IsFunction)
            {
                return sorted[i].Name;
            }
        }
        return null;
    }
}
