using System.Text;
using Harness.Testing;
using Harness.Tracing.Tests.Support;
using static Harness.Tracing.Tests.Support.CTracePrograms;

namespace Harness.Tracing.Tests;

/// <summary>
/// What each fixtures/c-trace program (-O0) must show as covered and not covered, line by line, with lines
/// found from the source text (function bodies, quoted statements), never by number. Every test checks
/// both sides: lines that run in the place under test (a thread, a fork child, an exec'd image, a library)
/// are hit, and lines that never run are present but not hit.
/// </summary>
public sealed class CoverageFactsTests(CTracePrograms programs) : IClassFixture<CTracePrograms>
{
    [Fact]
    public void Threads_FourConcurrentWorkers_EveryWorkerLineCovered()
    {
        var run = programs.Traced(CFlavour.O0, "threads");
        var source = Source("threads.c");
        var file = run.File("threads.c");

        foreach (var worker in new[] { "worker_a", "worker_b", "worker_c", "worker_d" })
        {
            CoverageAssert.AllCovered(file, source, source.CFunction(worker));
            Assert.Equal(1, CoverageAssert.Function(file, worker).Hits);
        }
        CoverageAssert.NotCovered(file, source, source.LineOf("pthread_create failed"));
        Assert.Equal(5, run.Result.Statistics.Threads);
    }

    [Fact]
    public void Forker_ForkChild_ChildOnlyLinesCovered()
    {
        var run = programs.Traced(CFlavour.O0, "forker");
        var source = Source("forker.c");
        var file = run.File("forker.c");

        CoverageAssert.AllCovered(file, source, source.CFunction("child_only"));
        CoverageAssert.Covered(file, source, source.StatementLine("_exit(7);"));
        CoverageAssert.AllCovered(file, source, source.CFunction("parent_only"));
        // The vfork child runs in its parent's memory until it leaves: its line counts too.
        CoverageAssert.Covered(file, source, source.StatementLine("_exit(0);"));
        CoverageAssert.NotCovered(file, source, source.LineOf("perror(\"forker: fork\")"));
        CoverageAssert.NotCovered(file, source, source.LineOf("posix_spawn failed"));
        // Parent, fork child, vfork child, posix_spawn child.
        Assert.Equal(4, run.Result.Statistics.Processes);
    }

    [Fact]
    public void ExecHelper_ForkThenExec_NewImageCoveredAsItsOwnModule()
    {
        var run = programs.Traced(CFlavour.O0, "exec_helper");
        var helperSource = Source("helper.c");
        var helper = run.File("helper.c");
        var parentSource = Source("exec_helper.c");
        var parent = run.File("exec_helper.c");

        CoverageAssert.AllCovered(helper, helperSource, helperSource.CFunction("helper_main_work"));
        CoverageAssert.Covered(helper, helperSource, helperSource.StatementLine("return 3;"));
        CoverageAssert.NotCovered(helper, helperSource, helperSource.LineOf("printf(\"helper: no argument"));
        Assert.Equal("helper", helper.Module);

        CoverageAssert.Covered(parent, parentSource, parentSource.StatementLine("execv(path, child_argv);"));
        CoverageAssert.NotCovered(parent, parentSource, parentSource.LineOf("execv %s failed"));
        CoverageAssert.Covered(parent, parentSource, parentSource.LineOf("printf(\"exec_helper: helper exited"));
        Assert.Equal("exec_helper", parent.Module);
    }

    [Theory]
    [InlineData("crasher", "before_crash", "*target = value;", "crasher: unreachable")]
    [InlineData("aborter", "before_abort", "abort();", "aborter: unreachable")]
    public void KilledBySignal_LinesBeforeTheDeathCovered_CoverageKept(string program, string function, string fatalStatement, string unreachable)
    {
        var run = programs.Traced(CFlavour.O0, program);
        var source = Source(program + ".c");
        var file = run.File(program + ".c");

        Assert.NotNull(run.Result.TerminatingSignal);
        CoverageAssert.AllCovered(file, source, source.CFunction(function));
        CoverageAssert.Covered(file, source, source.StatementLine(fatalStatement));
        CoverageAssert.NotCovered(file, source, source.LineOf(unreachable));
    }

    [Fact]
    public void DlopenUser_StartupAndDlopenedLibraries_BothCovered()
    {
        var run = programs.Traced(CFlavour.O0, "dlopen_user");
        var startupSource = Source("startup.c");
        var startup = run.File("startup.c");
        var pluginSource = Source("plugin.c");
        var plugin = run.File("plugin.c");
        var mainSource = Source("dlopen_user.c");
        var main = run.File("dlopen_user.c");

        CoverageAssert.AllCovered(startup, startupSource, startupSource.CFunction("startup_value"));
        Assert.Equal("libstartup.so", startup.Module);
        CoverageAssert.AllCovered(plugin, pluginSource, pluginSource.CFunction("plugin_compute"));
        Assert.Equal("libplugin.so", plugin.Module);
        CoverageAssert.Covered(main, mainSource, mainSource.LineOf("dlclose: %s"));
        CoverageAssert.NotCovered(main, mainSource, mainSource.LinesContaining("fprintf(stderr, \"dlopen_user: %s\\n\", dlerror());")[0]);
    }

    [Fact]
    public void ThreadExit_ExitFromNonMainThread_ExitCodeAndThreadLinesCovered()
    {
        var run = programs.Traced(CFlavour.O0, "thread_exit");
        var source = Source("thread_exit.c");
        var file = run.File("thread_exit.c");

        Assert.Equal(5, run.Result.ExitCode);
        CoverageAssert.AllCovered(file, source, source.CFunction("exiting_thread_work"));
        var thread = source.CFunction("exiting_thread");
        // exit() does not return: a row for the closing brace, if the compiler emits one, never runs.
        CoverageAssert.AllCovered(file, source, thread, thread.End);
        CoverageAssert.Covered(file, source, source.StatementLine("exit(5);"));
        CoverageAssert.AllCovered(file, source, source.CFunction("at_exit_handler"));
        CoverageAssert.NotCovered(file, source, source.LineOf("main: unreachable"));
    }

    [Fact]
    public void Signals_HandlersAndKilledChild_CoveredAndOutputIdentical()
    {
        var run = programs.Traced(CFlavour.O0, "signals");
        var native = programs.Native(CFlavour.O0, "signals");
        var source = Source("signals.c");
        var file = run.File("signals.c");

        Assert.Equal(Encoding.Latin1.GetString(native.StandardOutput), Encoding.Latin1.GetString(run.StandardOutput));
        CoverageAssert.AllCovered(file, source, source.CFunction("on_usr1"));
        CoverageAssert.AllCovered(file, source, source.CFunction("on_alrm"));
        // The fork child runs up to its write() into the closed pipe, where SIGPIPE kills it.
        CoverageAssert.Covered(file, source, source.LineOf("signal(SIGPIPE, SIG_DFL);"));
        CoverageAssert.Covered(file, source, source.LineOf("ssize_t written = write(writer"));
        CoverageAssert.NotCovered(file, source, source.LineOf("not killed"));
        CoverageAssert.NotCovered(file, source, source.LineOf("child exited with status"));
        CoverageAssert.Covered(file, source, source.LineOf("printf(\"write to closed pipe: EPIPE"));
        CoverageAssert.NotCovered(file, source, source.LineOf("closed pipe: no EPIPE"));
    }
}
