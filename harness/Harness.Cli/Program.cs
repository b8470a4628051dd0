using System.CommandLine;
using Harness.Cli.Commands;

var root = new RootCommand("harness: runs native test suites (Rust, C, C++) and observes them: outcomes, coverage, timing.")
{
    SymbolCommands.Lines(),
    SymbolCommands.Functions(),
    CoverCommand.Create(),
    ListCommand.Create(),
    TestCommand.Create(),
    CompareCommand.Create(),
    ProfileCommand.Create(),
    ReportCommand.Create(),
    FlakyCommand.Create(),
};
HelpExamples.Apply(root);
var parsed = root.Parse(args);
// Each command handles SIGINT/SIGTERM itself (kills what it runs, then writes its results): System.CommandLine must not
// also end the process two seconds after the signal, in the middle of writing them.
return UsageErrors.Report(parsed, Console.Error) ? UsageErrors.ExitCode : parsed.Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });
