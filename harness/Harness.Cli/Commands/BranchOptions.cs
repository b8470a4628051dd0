using System.CommandLine;
using Harness.Core.Coverage;

namespace Harness.Cli.Commands;

/// <summary><c>--branches</c> and <c>--all-branches</c>, shared by <c>harness cover</c> and <c>harness test --coverage</c>.</summary>
internal sealed class BranchOptions
{
    public Option<bool> Branches { get; } = new("--branches")
    {
        Description = "Also cover branches: taken / not taken per arm of each conditional jump, on its source line (implies --probes blocks). "
            + "Leaves out the compiler's own checks (Rust overflow and bounds checks, stack probes).",
    };

    public Option<bool> AllBranches { get; } = new("--all-branches") { Description = "Like --branches, keeping the compiler's own checks too." };

    public void AddTo(Command command)
    {
        command.Options.Add(Branches);
        command.Options.Add(AllBranches);
    }

    public BranchCoverage Value(ParseResult result) =>
        result.GetValue(AllBranches) ? BranchCoverage.All : result.GetValue(Branches) ? BranchCoverage.Written : BranchCoverage.Off;
}
