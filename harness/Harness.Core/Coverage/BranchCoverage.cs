namespace Harness.Core.Coverage;

/// <summary>
/// Whether coverage also reports which way each conditional branch went (<c>--branches</c>, <c>--all-branches</c>).
/// Branches come from the decoded machine code, so they imply block probes (<see cref="ProbeMode.Blocks"/>) for every
/// function with selected code. See <see cref="CompilerChecks"/> for the branches <see cref="Written"/> leaves out.
/// </summary>
public enum BranchCoverage
{
    /// <summary>Lines (and functions) only.</summary>
    Off,

    /// <summary>Every conditional branch of the source, without the ones the compiler adds on its own (<see cref="CompilerChecks"/>).</summary>
    Written,

    /// <summary>Every conditional jump of selected code, the compiler's checks included.</summary>
    All,
}
