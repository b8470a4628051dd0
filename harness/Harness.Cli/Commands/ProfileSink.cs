using Harness.Core.Profiling;
using Harness.Core.Runs;

namespace Harness.Cli.Commands;

/// <summary>Writes a run's profiles (<c>profile.json</c>, <c>profile/</c>) when it finishes and keeps the top-functions text to print after the summary.</summary>
internal sealed class ProfileSink(string directory, int top) : IRunSink
{
    private readonly StringWriter _text = new();

    public string Text => _text.ToString();

    public void Handle(RunEvent runEvent)
    {
        if (runEvent is RunFinished { Summary.Profiles: { } profiles })
        {
            ProfileSummary.WriteAndPrint(profiles.Build(new FunctionSymbolizer()), directory, profiles.Rate, top, _text);
        }
    }
}
