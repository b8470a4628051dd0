using System.Collections;
using Harness.Testing;
using Harness.Tracing.Tests.Support;
using static Harness.Tracing.Tests.Support.CTracePrograms;

namespace Harness.Tracing.Tests;

/// <summary>
/// A program started by a relative path, or by a bare name found on PATH, in a given working directory:
/// dlopen_user then opens <c>./libplugin.so</c>, which the dynamic linker records under that relative name;
/// the tracer must resolve it against the process's working directory to plan and probe the library.
/// </summary>
public sealed class WorkingDirectoryTests
{
    [Theory]
    [InlineData("./dlopen_user", false)]
    [InlineData("dlopen_user", true)]
    public void Run_ProgramStartedRelativelyInWorkingDirectory_RelativelyDlopenedPluginCovered(string name, bool onPath)
    {
        var directory = Path.GetDirectoryName(Program(CFlavour.O0, "dlopen_user"))!;

        var run = TracedRun.Start(name, [], options => options with
        {
            WorkingDirectory = directory,
            Environment = onPath ? EnvironmentWithPath(directory) : null,
        });

        Assert.Equal(0, run.Result.ExitCode);
        Assert.Contains("plugin_compute(10) = 174", run.Output, StringComparison.Ordinal);
        var mainSource = Source("dlopen_user.c");
        var main = run.File("dlopen_user.c");
        // argv[0] is what was asked for: with no slash the program builds "./libplugin.so" itself.
        CoverageAssert.Covered(main, mainSource, mainSource.LineOf(onPath ? "\"./libplugin.so\"" : "\"%.*s/libplugin.so\""));
        var pluginSource = Source("plugin.c");
        CoverageAssert.AllCovered(run.File("plugin.c"), pluginSource, pluginSource.CFunction("plugin_compute"));
    }

    private static Dictionary<string, string> EnvironmentWithPath(string directory)
    {
        var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        environment["PATH"] = directory + ":" + environment.GetValueOrDefault("PATH", "/usr/bin:/bin");
        return environment;
    }
}
