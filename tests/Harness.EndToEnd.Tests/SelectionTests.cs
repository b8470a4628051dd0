using Harness.EndToEnd.Tests.Support;

namespace Harness.EndToEnd.Tests;

/// <summary>
/// <c>--include</c> and <c>--exclude</c> globs on dlopen_user, whose coverage spans three files in three
/// images: the executable, a start-up library and a dlopen()ed plugin.
/// </summary>
public sealed class SelectionTests
{
    [Fact]
    public void Cover_NoGlobs_AllThreeFiles()
    {
        Assert.Equal(["dlopen_user.c", "plugin.c", "startup.c"], CoveredFiles([]));
    }

    [Fact]
    public void Cover_ExcludePluginGlob_PluginLeftOut()
    {
        Assert.Equal(["dlopen_user.c", "startup.c"], CoveredFiles(["--exclude", "**/plugin.c"]));
    }

    [Fact]
    public void Cover_IncludeStartupGlob_OnlyStartup()
    {
        Assert.Equal(["startup.c"], CoveredFiles(["--include", "**/startup.c"]));
    }

    [Fact]
    public void Cover_IncludeDirectoryExcludeOne_IncludeThenExclude()
    {
        Assert.Equal(["plugin.c", "startup.c"], CoveredFiles(["--include", "src/*.c", "--exclude", "dlopen_user.c"]));
    }

    /// <summary>Runs dlopen_user under <c>harness cover</c> and returns the file names in its lcov.info, sorted.</summary>
    private static List<string> CoveredFiles(string[] options)
    {
        using var directory = new TempDirectory("globs");
        var run = HarnessCover.Run(directory.File("out"), options, CTrace.Program("dlopen_user"));
        Assert.True(run.ExitCode == 0, run.ToString());
        var files = LcovFile.Read(run.LcovPath);
        Assert.Equal(files.Count, run.Summary().Files);
        Assert.All(files, f => Assert.True(f.LinesHit > 0, $"{f.Path}: no line hit"));
        return [.. files.Select(f => Path.GetFileName(f.Path)).Order(StringComparer.Ordinal)];
    }
}
