using Harness.EndToEnd.Tests.Support;
using Harness.Testing;

namespace Harness.EndToEnd.Tests;

/// <summary>
/// What the user gets when the input is wrong or poor: one clear line and exit code 2 for a program that
/// does not exist; a normal run with nothing to cover for a program without debug information; never a
/// stack trace.
/// </summary>
public sealed class BadInputTests
{
    [Fact]
    public void Cover_NonexistentProgram_ExitCode2AndOneLineNamingIt()
    {
        using var directory = new TempDirectory("missing");
        var output = directory.File("out");

        var run = HarnessCover.Run(output, [], "/nonexistent");

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.Process.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("/nonexistent", line, StringComparison.Ordinal);
        Assert.Empty(run.Process.StandardOutput);
        Assert.False(Directory.Exists(output), "reports were written for a program that never ran");
    }

    [Fact]
    public void Cover_ProgramWithoutDebugInfo_RunsAndPassesExitCodeThroughWithNoFiles()
    {
        using var directory = new TempDirectory("nodebug");
        var program = BuildWithoutDebugInfo(directory, "nodebug", exitCode: 4);

        var run = HarnessCover.Run(directory.File("out"), [], program);

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Equal("no debug info here\n", run.Process.StandardOutput);
        Assert.DoesNotContain("Unhandled exception", run.Process.StandardError, StringComparison.Ordinal);
        var summary = run.Summary();
        Assert.Equal((0, 0, 0), (summary.Files, summary.LinesCovered, summary.LinesValid));
        // No data is "n/a", never "100.0%", and the user is told which binary gave nothing and why.
        Assert.Null(summary.Percent);
        Assert.Contains("harness: lines: n/a", run.Process.StandardError, StringComparison.Ordinal);
        Assert.Contains($"harness: warning: {program}: ", run.Process.StandardError, StringComparison.Ordinal);
        Assert.Contains("without -g", run.Process.StandardError, StringComparison.Ordinal);
        Assert.Empty(LcovFile.Read(run.LcovPath));
        var cobertura = CoberturaFile.Read(run.CoberturaPath);
        Assert.Equal((0, 0), (cobertura.LinesCovered, cobertura.LinesValid));
        Assert.Empty(cobertura.Files);
    }

    /// <summary>
    /// An output folder that cannot be created is the user's mistake, like a missing program: one line that
    /// names it and exit code 2, not an unhandled exception with a stack trace and exit code 1 (which also
    /// hides the program's own exit code).
    /// </summary>
    [Fact]
    public void Cover_OutputDirectoryCannotBeCreated_ExitCode2AndOneLineNamingIt()
    {
        using var directory = new TempDirectory("badout");
        var program = BuildWithoutDebugInfo(directory, "quick", exitCode: 0);
        var blocker = directory.File("not-a-directory");
        File.WriteAllText(blocker, "a file where the output folder's parent should be");
        var output = Path.Combine(blocker, "out");

        var run = HarnessCover.Run(output, [], program);

        Assert.DoesNotContain("Unhandled exception", run.Process.StandardError, StringComparison.Ordinal);
        Assert.True(run.ExitCode == 2, run.ToString());
        var errors = run.Process.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith("harness: warning:", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(errors);
        Assert.Contains(output, line, StringComparison.Ordinal);
    }

    private static string BuildWithoutDebugInfo(TempDirectory directory, string name, int exitCode)
    {
        var source = directory.File(name + ".c");
        File.WriteAllText(source, $"#include <stdio.h>\nint main(void)\n{{\n    puts(\"no debug info here\");\n    return {exitCode};\n}}\n");
        var program = directory.File(name);
        ProcessRunner.Run("gcc", ["-O0", "-g0", source, "-o", program]).EnsureSuccess($"gcc {name}.c");
        return program;
    }
}
