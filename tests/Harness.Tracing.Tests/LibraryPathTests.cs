using Harness.Core.Coverage;
using Harness.Testing;
using Harness.Tracing.Tests.Support;
using static Harness.Tracing.Tests.Support.CTracePrograms;

namespace Harness.Tracing.Tests;

/// <summary>
/// Image paths as the dynamic linker reports them, and so as the planner receives them: very often symbolic
/// links (every versioned soname: <c>libfoo.so.1 → libfoo.so.1.2.3</c>, what CMake's SOVERSION builds, and
/// <c>libstdc++.so.6 → libstdc++.so.6.0.30</c>), and for system libraries without debug information. A link
/// must be planned like the file it points to; a library without debug information gets no probes, quietly.
/// </summary>
public sealed class LibraryPathTests
{
    [Fact]
    public void Plan_SymlinkToLibraryWithDebugInfo_PlansLikeItsTarget()
    {
        var library = Program(CFlavour.O0, "libstartup.so");
        using var directory = new TempDirectory("symlink");
        var link = directory.File("libstartup.so.1");
        File.CreateSymbolicLink(link, library);

        var direct = new CoveragePlanner(new SourceSelection()).Plan(library);
        var planner = new CoveragePlanner(new SourceSelection());
        var linked = planner.Plan(link);

        Assert.NotNull(direct);
        Assert.True(linked is not null, $"no plan for a link to a library with debug information; warnings: {string.Join(" | ", planner.Warnings)}");
        Assert.Equal(direct.Addresses, linked.Addresses);
        Assert.Equal(direct.Groups, linked.Groups);
    }

    /// <summary>The same, end to end: dlopen_user finds its DT_NEEDED libstartup.so through a link.</summary>
    [Fact]
    public void Run_StartupLibraryFoundThroughSymlink_CoveredAsWithoutTheLink()
    {
        using var directory = new TempDirectory("symlinked-startup");
        var program = directory.File("dlopen_user");
        File.Copy(Program(CFlavour.O0, "dlopen_user"), program);
        File.Copy(Program(CFlavour.O0, "libplugin.so"), directory.File("libplugin.so"));
        // The $ORIGIN run path finds the link next to the copied executable.
        File.CreateSymbolicLink(directory.File("libstartup.so"), Program(CFlavour.O0, "libstartup.so"));

        var run = TracedRun.Start(program, []);

        Assert.Equal(0, run.Result.ExitCode);
        Assert.Contains("startup_value(20) = 40", run.Output, StringComparison.Ordinal);
        var source = Source("startup.c");
        CoverageAssert.AllCovered(run.File("startup.c"), source, source.CFunction("startup_value"));
    }

    [Fact]
    public void Plan_SymlinkedSystemLibraryWithoutDebugInfo_NoProbesNoWarning()
    {
        var libstdcxx = new[] { "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6" }.FirstOrDefault(File.Exists);
        Assert.True(libstdcxx is not null, "no libstdc++.so.6 on this machine (the gtest fixture needs it too)");
        Assert.NotNull(new FileInfo(libstdcxx).LinkTarget);
        var planner = new CoveragePlanner(new SourceSelection());

        var plan = planner.Plan(libstdcxx);

        Assert.Null(plan);
        Assert.Empty(planner.Warnings);
    }
}
