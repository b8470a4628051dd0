using Harness.Core.Coverage;
using Harness.Core.Formats;
using Harness.Core.Reports;
using Harness.Reporters.Tests.Support;
using static Harness.Reporters.Tests.Support.Reports;

namespace Harness.Reporters.Tests.Reports;

/// <summary>
/// The gcov JSON and llvm-cov export readers against the tools' own LCOV of the same run: gcc's through geninfo
/// (lcov 1.16), LLVM's through <c>llvm-cov export --format=lcov</c>, which derives lines with the same code as its JSON.
/// </summary>
public sealed class ForeignToolOracleTests
{
    // LLVM 22, the version rustc 1.95 links (rustc -vV): older llvm-profdata cannot read its .profraw files.
    private const string LlvmBin = "/usr/lib/llvm-22/bin";

    [Fact]
    public void Read_GcovJsonOfARealRun_MatchesGeninfo()
    {
        using var temp = new TempDirectory("gcov-json");
        var source = Path.Combine(Repository.FixturesDirectory, "c-trace", "src", "coverage_oracle.c");
        Run(temp.Path, "gcc", "-g", "-O0", "--coverage", "-c", source, "-o", "oracle.o");
        Run(temp.Path, "gcc", "--coverage", "oracle.o", "-o", "oracle");
        Run(temp.Path, temp.File("oracle"));
        Run(temp.Path, temp.File("oracle"), "alpha", "42", "-x", "zz", "7b");
        Run(temp.Path, "gcov", "-b", "--json-format", "oracle.gcda");
        Run(temp.Path, "lcov", "--capture", "--directory", ".", "--rc", "lcov_branch_coverage=1", "--output-file", "geninfo.info");

        var json = Assert.Single(ReadCoverage(temp.File("oracle.gcov.json.gz")).Files, f => f.Path == source);
        var geninfo = Assert.Single(ReadCoverage(temp.File("geninfo.info")).Files);

        // geninfo drops lines between LCOV_EXCL markers; gcov does not know them.
        var excluded = ExcludedLines(source);
        Assert.NotEmpty(excluded);
        Assert.Equal(geninfo.Lines.Select(l => (l.Line, l.Hits)), json.Lines.Where(l => !excluded.Contains(l.Line)).Select(l => (l.Line, l.Hits)));
        Assert.Equal(
            geninfo.Lines.SelectMany(l => (l.Branches ?? []).Select(b => (l.Line, b))),
            json.Lines.Where(l => !excluded.Contains(l.Line)).SelectMany(l => (l.Branches ?? []).Select(b => (l.Line, b))));
        Assert.Equal(geninfo.Functions.Select(f => (f.Name, f.Line, f.Hits)), json.Functions.Select(f => (f.Name, f.Line, f.Hits)));
        Assert.Contains(json.Lines, l => l.Branches is { Count: > 0 } arms && arms.Any(a => a.IsTaken) && arms.Any(a => !a.IsTaken));
    }

    [Fact]
    public void Read_LlvmCovExportOfARustRun_MatchesLlvmCovLcov()
    {
        Assert.True(File.Exists(Path.Combine(LlvmBin, "llvm-cov")), $"{LlvmBin}/llvm-cov missing: tests/setup.sh installs llvm-22");
        using var temp = new TempDirectory("llvm-cov");
        var source = TestData("llvm", "shapes.rs");
        Run(temp.Path, "rustc", "-C", "instrument-coverage", "-g", "-o", "shapes", source);
        var environment = new Dictionary<string, string?> { ["LLVM_PROFILE_FILE"] = temp.File("shapes-%p.profraw") };
        ProcessRunner.Run(temp.File("shapes"), [], temp.Path, environment).EnsureSuccess("shapes");
        ProcessRunner.Run(temp.File("shapes"), ["square", "3"], temp.Path, environment).EnsureSuccess("shapes square 3");
        Run(temp.Path, Path.Combine(LlvmBin, "llvm-profdata"), ["merge", "-sparse", "-o", "shapes.profdata", .. Directory.GetFiles(temp.Path, "*.profraw")]);
        var export = ProcessRunner.Run(Path.Combine(LlvmBin, "llvm-cov"), ["export", "--format=text", "--instr-profile=shapes.profdata", "shapes"], temp.Path).EnsureSuccess("llvm-cov export");
        var lcov = ProcessRunner.Run(Path.Combine(LlvmBin, "llvm-cov"), ["export", "--format=lcov", "--instr-profile=shapes.profdata", "shapes"], temp.Path).EnsureSuccess("llvm-cov export lcov");
        var json = WriteText(temp.Path, "export.json", export.StandardOutput);

        Assert.Equal(InputFormat.LlvmCovJson, ReportInputs.Sniff(json));
        var fromJson = Assert.Single(ReadCoverage(json).Files);
        var fromLcov = Assert.Single(ReadCoverage(WriteText(temp.Path, "export.info", lcov.StandardOutput)).Files);

        Assert.Equal(source, fromJson.Path);
        Assert.Equal(fromLcov.Lines.Select(l => (l.Line, l.Hits)), fromJson.Lines.Select(l => (l.Line, l.Hits)));
        Assert.Equal(fromLcov.Functions.Select(f => (f.Line, f.Hits)).Order(), fromJson.Functions.Select(f => (f.Line, f.Hits)).Order());
        var file = SourceFile.Read(source);
        Assert.Contains(fromJson.Functions, f => f.Name == "shapes::never_called" && f.Hits == 0);
        Assert.Contains(fromJson.Lines, l => l.Line == file.LineOf("\"square\" => size * size") && l.Hits == 1);
        Assert.Contains(fromJson.Lines, l => l.Line == file.LineOf("\"line\" => size,") && l.Hits == 0);
    }

    private static HashSet<int> ExcludedLines(string path)
    {
        var lines = File.ReadAllLines(path);
        var excluded = new HashSet<int>();
        var inBlock = false;
        for (var i = 0; i < lines.Length; i++)
        {
            inBlock |= lines[i].Contains("LCOV_EXCL_START", StringComparison.Ordinal);
            if (inBlock || lines[i].Contains("LCOV_EXCL_LINE", StringComparison.Ordinal))
            {
                excluded.Add(i + 1);
            }
            inBlock &= !lines[i].Contains("LCOV_EXCL_STOP", StringComparison.Ordinal);
        }
        return excluded;
    }

    private static void Run(string directory, string program, params string[] arguments) =>
        ProcessRunner.Run(program, arguments, directory, timeout: TimeSpan.FromMinutes(1)).EnsureSuccess($"{program} {string.Join(' ', arguments)}");
}
