using System.Text.Json;
using System.Xml.Linq;
using Harness.EndToEnd.Tests.Support;

namespace Harness.EndToEnd.Tests;

/// <summary>
/// What a new user meets in the first hour, on programs nobody here wrote: no number for no data, nothing but ELF
/// executables run as test binaries (never a file through /bin/sh), output that cannot blow up the results files.
/// </summary>
public sealed class FirstContactTests
{
    [Fact]
    public void Cover_StrippedSystemBinary_WarnsNamingItAndNoPercentage()
    {
        using var directory = new TempDirectory("cover-true");

        var run = HarnessCover.Run(directory.File("out"), [], "/usr/bin/true");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("harness: warning: /usr/bin/true: ", run.Process.StandardError, StringComparison.Ordinal);
        Assert.Contains("built without -g", run.Process.StandardError, StringComparison.Ordinal);
        Assert.Null(run.Summary().Percent);
        Assert.DoesNotContain("100.0%", run.Process.StandardError, StringComparison.Ordinal);
        var root = XDocument.Load(run.CoberturaPath).Root!;
        Assert.Equal(("0", "0"), ((string?)root.Attribute("line-rate"), (string?)root.Attribute("lines-valid")));
    }

    [Fact]
    public void Cover_CorruptLineTable_WarnsNamingTheBinaryAndNoPercentage()
    {
        using var directory = new TempDirectory("cover-corrupt");
        var program = Compile(directory, "corrupt", "int main(void) { return 3; }\n", "-g");
        var garbage = directory.File("garbage");
        File.WriteAllBytes(garbage, Enumerable.Repeat((byte)0xff, 64).ToArray());
        ProcessRunner.Run("objcopy", ["--update-section", $".debug_line={garbage}", program]).EnsureSuccess("objcopy");

        var run = HarnessCover.Run(directory.File("out"), [], program);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains($"harness: warning: {program}: no coverage from it: ", run.Process.StandardError, StringComparison.Ordinal);
        Assert.Null(run.Summary().Percent);
    }

    [Fact]
    public void TestCoverage_TestBinaryWithoutDebugInfo_WarnsNamingItAndNoPercentage()
    {
        using var directory = new TempDirectory("test-nodebug");
        var program = Compile(directory, "nodebug_test", "int main(void) { return 0; }\n", "-g0");

        var result = Harness("test", program, "--coverage", "--no-history", "--out", directory.File("out"));

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains($"harness: warning: {program}: ", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("built without -g", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("harness: lines: n/a", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("100.0%", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--fail-under-lines")]
    [InlineData("--fail-under-branches")]
    public void Report_NoCoverageAtAll_ThresholdFailsWithExit3(string option)
    {
        using var directory = new TempDirectory("report-nothing");
        var lcov = directory.File("empty.info");
        File.WriteAllText(lcov, "TN:\nSF:/src/a.c\nend_of_record\n");

        var result = HarnessReport.Run("report", lcov, "--out", directory.File("out"), "--formats", "markdown", option, "0");

        Assert.True(result.ExitCode == 3, result.StandardOutput + result.StandardError);
        Assert.Contains("no input has any coverage data", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("| Lines | 0 | 0 | n/a |", File.ReadAllText(Path.Combine(directory.File("out"), "summary.md")), StringComparison.Ordinal);
    }

    public static TheoryData<string, bool> NotExecutables => new()
    {
        { "text", false }, { "text", true }, { "data", false }, { "data", true }, { "empty", false }, { "empty", true },
        { "script", false }, { "script", true }, { "truncated", false }, { "truncated", true },
    };

    /// <summary>
    /// glibc's execvp (behind setsid) and sh's exec (behind the tracer) run a file the kernel refuses as a shell
    /// script: each of these files would touch a marker if it ran. With and without coverage: one line, exit 2.
    /// </summary>
    [Theory]
    [MemberData(nameof(NotExecutables))]
    public void Test_NotAnElfExecutable_Exit2OneLineNamingItNeverRun(string kind, bool coverage)
    {
        using var directory = new TempDirectory("not-elf");
        var marker = directory.File("it-ran");
        var file = directory.File("suspect_" + kind);
        switch (kind)
        {
            case "text":
                File.WriteAllText(file, $"touch '{marker}'\n");
                break;
            case "data":
                File.WriteAllBytes(file, [0, 1, 2, 3, .. System.Text.Encoding.ASCII.GetBytes($"\ntouch '{marker}'\n")]);
                break;
            case "empty":
                File.WriteAllBytes(file, []);
                break;
            case "script":
                File.WriteAllText(file, $"#!/bin/sh\ntouch '{marker}'\n");
                break;
            default:
                var program = Compile(directory, "whole", "int main(void) { return 0; }\n", "-g");
                File.WriteAllBytes(file, File.ReadAllBytes(program)[..3000]);
                break;
        }
        MakeExecutable(file);

        var result = Harness(["test", file, "--no-history", "--out", directory.File("out"), .. coverage ? new[] { "--coverage" } : []]);

        Assert.True(result.ExitCode == 2, result.StandardOutput + result.StandardError);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"harness: {file}: ", line, StringComparison.Ordinal);
        Assert.False(File.Exists(marker), "the file was run");
    }

    [Fact]
    public void Cover_TextFileAsProgram_Exit2NeverRun()
    {
        using var directory = new TempDirectory("cover-text");
        var marker = directory.File("it-ran");
        var file = directory.File("notes.txt");
        File.WriteAllText(file, $"touch '{marker}'\n");
        MakeExecutable(file);

        var run = HarnessCover.Run(directory.File("out"), [], file);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(file, Assert.Single(run.Process.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.False(File.Exists(marker), "the file was run");
    }

    /// <summary>Measured before the cap: 50 MB of stdout gave a 52 MB junit.xml, a 52 MB results.json and 366 MB of harness memory.</summary>
    [Fact]
    public void Test_FiftyMegabytesOfStdout_CappedHeadAndTailInEveryFile()
    {
        using var directory = new TempDirectory("test-50mb");
        var program = Compile(directory, "chatty_test", """
            #include <stdio.h>
            #include <string.h>
            int main(void)
            {
                static char line[1001];
                memset(line, 'x', 999);
                line[999] = '\n';
                fputs("FIRST LINE\n", stdout);
                for (int i = 0; i < 50000; i++)
                    fputs(line, stdout);
                fputs("LAST LINE\n", stdout);
                return 0;
            }
            """, "-g0");
        var output = directory.File("out");

        var result = Harness("test", program, "--no-history", "--out", output);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        var json = new FileInfo(Path.Combine(output, "results.json"));
        var junit = new FileInfo(Path.Combine(output, "junit.xml"));
        Assert.True(json.Length < 3 << 20, $"results.json: {json.Length} bytes");
        Assert.True(junit.Length < 3 << 20, $"junit.xml: {junit.Length} bytes");
        using var document = JsonDocument.Parse(File.ReadAllText(json.FullName));
        var stdout = document.RootElement.GetProperty("tests")[0].GetProperty("standardOutput").GetString()!;
        Assert.StartsWith("FIRST LINE\n", stdout, StringComparison.Ordinal);
        Assert.EndsWith("LAST LINE\n", stdout, StringComparison.Ordinal);
        Assert.Matches(@"\n… \d+ bytes elided …\n", stdout);
        // Head and tail together are the default 1 MiB; every other byte is counted in the marker.
        var elided = System.Text.RegularExpressions.Regex.Match(stdout, @"… (\d+) bytes elided").Groups[1].Value;
        Assert.Equal(11 + (50000 * 1000) + 10 - (1 << 20), long.Parse(elided, System.Globalization.CultureInfo.InvariantCulture));

        var small = Harness("test", program, "--no-history", "--max-output", "64K", "--out", directory.File("out-small"));
        Assert.True(small.ExitCode == 0, small.StandardOutput + small.StandardError);
        Assert.True(new FileInfo(Path.Combine(directory.File("out-small"), "results.json")).Length < 100_000);
    }

    public static TheoryData<string> UnwritableOutputs => new() { "file", "missing-parent", "read-only" };

    /// <summary>An --out that cannot be written is found before anything runs (no build, no test), with one line and exit 2.</summary>
    [Theory]
    [MemberData(nameof(UnwritableOutputs))]
    public void TestAndCover_UnwritableOut_Exit2OneLineNothingRun(string kind)
    {
        using var directory = new TempDirectory("bad-out");
        var marker = directory.File("it-ran");
        var program = Compile(directory, "marks_test", $"#include <stdio.h>\nint main(void) {{ fclose(fopen(\"{marker}\", \"w\")); return 0; }}\n", "-g");
        var output = kind switch
        {
            "file" => directory.File("a-file"),
            "missing-parent" => directory.File(Path.Combine("no", "such", "parent", "out")),
            // Root may write anywhere on a normal file system; /proc refuses everyone.
            _ => "/proc/self/harness-out",
        };
        File.WriteAllText(directory.File("a-file"), "not a directory");

        var test = Harness("test", program, "--no-history", "--out", output);
        var cover = HarnessCover.Run(output, [], program);

        foreach (var result in new[] { test, cover.Process })
        {
            Assert.True(result.ExitCode == 2, result.StandardOutput + result.StandardError);
            var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"harness: --out {output}: ", line, StringComparison.Ordinal);
            Assert.DoesNotContain("running", result.StandardOutput, StringComparison.Ordinal);
        }
        Assert.False(File.Exists(marker), "a test or program ran although its results could not be written");
    }

    /// <summary>A run that fails before its tests (here: the suite is not a test binary) leaves none of an earlier run's results.</summary>
    [Fact]
    public void Test_FailedRunIntoOldOut_EarlierResultsRemoved()
    {
        using var directory = new TempDirectory("stale-out");
        var program = Compile(directory, "green_test", "int main(void) { return 0; }\n", "-g");
        var output = directory.File("out");
        Assert.Equal(0, Harness("test", program, "--no-history", "--coverage", "--out", output).ExitCode);
        Assert.True(File.Exists(Path.Combine(output, "junit.xml")));
        File.WriteAllText(Path.Combine(output, "notes.txt"), "the user's own file");
        var broken = directory.File("broken_test");
        File.WriteAllText(broken, "not a program");
        MakeExecutable(broken);

        var result = Harness("test", broken, "--no-history", "--out", output);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
    }

    /// <summary>Two runs into one --out at once: the second refuses with a clear line instead of mixing files with the first.</summary>
    [Fact]
    public async Task Test_SecondConcurrentRunIntoSameOut_Refused()
    {
        using var directory = new TempDirectory("locked-out");
        var go = directory.File("go");
        var program = Compile(directory, "slow_test", $"#include <unistd.h>\nint main(void) {{ for (int i = 0; i < 600 && access(\"{go}\", F_OK) != 0; i++) usleep(50000); return 0; }}\n", "-g");
        var output = directory.File("out");

        var first = Task.Run(() => Harness("test", program, "--no-history", "--out", output));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(Path.Combine(output, ".harness.lock")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        var second = Harness("test", program, "--no-history", "--out", output);
        File.WriteAllText(go, "");

        Assert.True(second.ExitCode == 2, second.StandardOutput + second.StandardError);
        Assert.Contains("another harness run is writing into it", second.StandardError, StringComparison.Ordinal);
        var firstResult = await first;
        Assert.True(firstResult.ExitCode == 0, firstResult.StandardOutput + firstResult.StandardError);
        Assert.True(File.Exists(Path.Combine(output, "junit.xml")));
        Assert.False(File.Exists(Path.Combine(output, ".harness.lock")), "the lock outlived the run");
    }

    [Theory]
    [InlineData("test", "--bogus")]
    [InlineData("list", "--bogus")]
    [InlineData("report", "--bogus")]
    [InlineData("cover", "--bogus")]
    public void Commands_UnknownOption_CalledUnknownExit2(string command, string option)
    {
        using var directory = new TempDirectory("unknown-option");

        var result = command == "cover"
            ? Harness("cover", "--out", directory.File("out"), option, "--", "/usr/bin/true")
            : Harness(command, option, directory.Path);

        Assert.True(result.ExitCode == 2, result.StandardOutput + result.StandardError);
        Assert.StartsWith($"harness: unknown option {option}\n", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("no such file", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory.File("out")));
    }

    [Theory]
    [InlineData("harness: --jobs many: expected a whole number", "test", "--jobs", "many")]
    [InlineData("harness: --timeout soon: expected a number (e.g. 2.5)", "cover", "--timeout", "soon", "--", "/usr/bin/true")]
    [InlineData("harness: --kind rocket: expected one of Auto, Cargo, CMake, Binary", "list", "--kind", "rocket")]
    public void Commands_BadValue_NamesOptionAndFormNoTypeNamesNoHelpExit2(string expected, params string[] arguments)
    {
        var result = Harness(arguments);

        Assert.True(result.ExitCode == 2, result.StandardOutput + result.StandardError);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, lines[0]);
        Assert.Equal($"harness: see 'harness {arguments[0]} --help'", Assert.Single(lines[1..]));
        Assert.DoesNotContain("System.", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Theory]
    [InlineData("test")]
    [InlineData("cover")]
    [InlineData("report")]
    [InlineData("list")]
    public void Help_EachCommand_HasExamples(string command)
    {
        var result = Harness(command, "--help");

        Assert.Equal(0, result.ExitCode);
        var examples = result.StandardOutput[result.StandardOutput.IndexOf("Examples:", StringComparison.Ordinal)..];
        Assert.True(examples.Split('\n').Count(l => l.TrimStart().StartsWith($"harness {command}", StringComparison.Ordinal)) >= 2, result.StandardOutput);
    }

    /// <summary>cargo renders one error once per compilation of the crate (lib, lib test) and harness repeated it in its own message: four times.</summary>
    [Fact]
    public void Test_CompileError_ShownOnce()
    {
        using var crate = new TempDirectory("compile-error-once");
        File.WriteAllText(crate.File("Cargo.toml"), "[package]\nname = \"broken_once\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[workspace]\n");
        Directory.CreateDirectory(crate.File("src"));
        Directory.CreateDirectory(crate.File("tests"));
        File.WriteAllText(crate.File("src/lib.rs"), "pub fn f() -> u32 { \"not a number\" }\n#[test]\nfn t() {}\n");
        File.WriteAllText(crate.File("tests/it.rs"), "#[test]\nfn i() { assert_eq!(broken_once::f(), 1); }\n");

        var result = ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, "test", crate.Path, "--no-history", "--out", crate.File("out")],
            environment: new Dictionary<string, string?> { ["CARGO_TARGET_DIR"] = crate.File("target") }, timeout: TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 2, result.StandardOutput + result.StandardError);
        Assert.Equal(1, result.StandardError.Split('\n').Count(l => l.Contains("error[E0308]", StringComparison.Ordinal)));
        Assert.Contains("harness: " + crate.Path, result.StandardError, StringComparison.Ordinal);
    }

    private static void MakeExecutable(string file)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static string Compile(TempDirectory directory, string name, string source, string debug)
    {
        var file = directory.File(name + ".c");
        File.WriteAllText(file, source);
        var program = directory.File(name);
        ProcessRunner.Run("gcc", ["-O0", debug, file, "-o", program]).EnsureSuccess($"gcc {name}.c");
        return program;
    }

    private static ProcessResult Harness(params string[] arguments) =>
        ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, .. arguments], timeout: TimeSpan.FromMinutes(3));
}
