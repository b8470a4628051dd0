using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;
using VsTestCase = Microsoft.VisualStudio.TestPlatform.ObjectModel.TestCase;
using VsTestResult = Microsoft.VisualStudio.TestPlatform.ObjectModel.TestResult;

namespace Harness.Adapters.Tests;

/// <summary>What vstest's discovery sink and framework handle would receive, kept for assertions.</summary>
internal sealed class Recording : ITestCaseDiscoverySink, IFrameworkHandle
{
    private readonly Lock _gate = new();

    public List<VsTestCase> Discovered { get; } = [];

    public List<VsTestResult> Results { get; } = [];

    public List<string> Started { get; } = [];

    public List<(TestMessageLevel Level, string Message)> Messages { get; } = [];

    /// <summary>Called after each recorded result (e.g. to cancel mid-run).</summary>
    public Action<VsTestResult>? OnResult { get; init; }

    public bool EnableShutdownAfterTestRun { get; set; }

    public void SendTestCase(VsTestCase discoveredTest)
    {
        lock (_gate)
        {
            Discovered.Add(discoveredTest);
        }
    }

    public void RecordResult(VsTestResult testResult)
    {
        lock (_gate)
        {
            Results.Add(testResult);
        }
        OnResult?.Invoke(testResult);
    }

    public void RecordStart(VsTestCase testCase)
    {
        lock (_gate)
        {
            Started.Add(testCase.FullyQualifiedName);
        }
    }

    public void RecordEnd(VsTestCase testCase, TestOutcome outcome)
    {
    }

    public void RecordAttachments(IList<AttachmentSet> attachmentSets)
    {
    }

    public void SendMessage(TestMessageLevel testMessageLevel, string message)
    {
        lock (_gate)
        {
            Messages.Add((testMessageLevel, message));
        }
    }

    public int LaunchProcessWithDebuggerAttached(string filePath, string? workingDirectory, string? arguments, IDictionary<string, string?>? environmentVariables) =>
        throw new NotSupportedException();
}

/// <summary>A run context with run settings XML and no filter, as vstest gives one for a plain run.</summary>
internal sealed class RunContext(string settingsXml, string runDirectory) : IRunContext, IRunSettings
{
    public bool KeepAlive => false;

    public bool InIsolation => false;

    public bool IsDataCollectionEnabled => false;

    public bool IsBeingDebugged => false;

    public string? TestRunDirectory => runDirectory;

    public string? SolutionDirectory => null;

    public IRunSettings? RunSettings => this;

    public string? SettingsXml => settingsXml;

    public ITestCaseFilterExpression? GetTestCaseFilter(IEnumerable<string>? supportedProperties, Func<string, TestProperty?> propertyProvider) => null;

    public ISettingsProvider? GetSettings(string? settingsName) => null;
}
