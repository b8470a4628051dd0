namespace Harness.Tracing;

/// <summary>
/// A probe on a conditional jump (Jcc) that tells which way it goes. Unlike the one-shot probes, it stays in place
/// until every fact of its group (the arms only it can prove: those whose target is also reached some other way) is
/// known, and the tracer executes the jump itself at each hit: the flags at the trap decide the arm, and the thread
/// resumes at that arm's target, so the int3 never needs to be lifted and put back (no single step).
/// </summary>
/// <param name="Condition">The Jcc's condition in the x86 encoding (the opcode's low nibble: 0 = jo … 0xf = jg).</param>
/// <param name="Taken">Link-time address the jump goes to when the condition holds.</param>
/// <param name="NotTaken">Link-time address of the next instruction.</param>
/// <param name="WhenTaken">Facts proven when the jump is taken (the taken arm, and what reaching the jump proves).</param>
/// <param name="WhenNotTaken">Facts proven when it falls through.</param>
public sealed record BranchProbe(int Condition, ulong Taken, ulong NotTaken, int[] WhenTaken, int[] WhenNotTaken)
{
    private const ulong Carry = 1 << 0, Parity = 1 << 2, Zero = 1 << 6, Sign = 1 << 7, Overflow = 1 << 11;

    /// <summary>Whether the condition holds for these flags (the Intel SDM's table of Jcc conditions).</summary>
    public bool Holds(ulong eflags)
    {
        bool cf = (eflags & Carry) != 0, pf = (eflags & Parity) != 0, zf = (eflags & Zero) != 0;
        bool sf = (eflags & Sign) != 0, of = (eflags & Overflow) != 0;
        // Even conditions test a flag, the odd one after each is its negation.
        var holds = (Condition >> 1) switch
        {
            0 => of,
            1 => cf,
            2 => zf,
            3 => cf || zf,
            4 => sf,
            5 => pf,
            6 => sf != of,
            _ => zf || sf != of,
        };
        return (Condition & 1) == 0 ? holds : !holds;
    }
}
