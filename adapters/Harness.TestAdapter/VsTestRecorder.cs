using Harness.Core.Runs;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter;
using EngineTest = Harness.Core.Model.TestCase;
using VsTestCase = Microsoft.VisualStudio.TestPlatform.ObjectModel.TestCase;

namespace Harness.TestAdapter;

/// <summary>
/// The run's sink for VSTest: each test's result is recorded the moment it is final (after retries), so test
/// explorers update live. Start and end are recorded together, as loggers and explorers need them: a batch's
/// tests all start at once, and a test that is retried would otherwise start twice.
/// </summary>
internal sealed class VsTestRecorder(IFrameworkHandle handle, IReadOnlyList<(EngineTest Engine, VsTestCase Vs)> tests) : IRunSink
{
    private readonly Dictionary<string, VsTestCase> _byName = tests.ToDictionary(t => t.Engine.FullyQualifiedName, t => t.Vs, StringComparer.Ordinal);

    public void Handle(RunEvent runEvent)
    {
        if (runEvent is not TestFinished { Finished: var finished, Measured: true } || !_byName.TryGetValue(finished.Test.FullyQualifiedName, out var vs))
        {
            return;
        }
        handle.RecordStart(vs);
        var result = VsTestConversion.ToVsTestResult(finished, vs);
        handle.RecordEnd(vs, result.Outcome);
        handle.RecordResult(result);
    }
}
