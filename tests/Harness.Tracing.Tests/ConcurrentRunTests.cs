using System.Text;
using Harness.Testing;
using Harness.Tracing.Tests.Support;
using static Harness.Tracing.Tests.Support.CTracePrograms;

namespace Harness.Tracing.Tests;

/// <summary>
/// Several traces in one process at once (a test run traces many programs in parallel): each tracer thread
/// waits only for its own tracees (waitpid with __WNOTHREAD), so no run sees another's stops or exits.
/// </summary>
public sealed class ConcurrentRunTests(CTracePrograms programs) : IClassFixture<CTracePrograms>
{
    [Fact]
    public async Task Run_FourProgramsAtOnce_EachEndsAndCoversAsAlone()
    {
        string[] names = ["forker", "threads", "exec_helper", "signals"];
        var runs = names
            .Select(name => Task.Factory.StartNew(() => TracedRun.Start(Program(CFlavour.O0, name), []), TaskCreationOptions.LongRunning))
            .ToArray();
        var results = await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(60));

        for (var i = 0; i < names.Length; i++)
        {
            var alone = programs.Native(CFlavour.O0, names[i]);
            var together = results[i];
            Assert.Equal(alone.ExitCode, together.Result.ShellStatus);
            Assert.Equal(Encoding.Latin1.GetString(alone.StandardOutput), Encoding.Latin1.GetString(together.StandardOutput));
            var file = together.File(names[i] + ".c");
            Assert.True(file.LinesCovered > file.LinesValid / 2, $"{names[i]}: only {file.LinesCovered} of {file.LinesValid} lines covered");
        }
    }
}
