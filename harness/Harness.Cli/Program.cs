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
};
HelpExamples.Apply(root);
var parsed = root.Parse(args);
return UsageErrors.Report(parsed, Console.Error) ? UsageErrors.ExitCode : parsed.Invoke();
