using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Harness.Testing;

namespace Harness.EndToEnd.Tests.Support;

/// <summary>The one-line summary <c>harness cover</c> prints on stderr.</summary>
/// <param name="Percent">Null when the line said "n/a" (no executable line at all).</param>
internal sealed record CoverSummary(int LinesCovered, int LinesValid, double? Percent, int Files, string Program, string Ending);

/// <summary>One run of the real <c>harness cover</c> command: its exit code, output, timing and reports.</summary>
internal sealed partial record CoverRun(ProcessResult Process, TimeSpan Elapsed, string OutputDirectory)
{
    public int ExitCode => Process.ExitCode;

    public string LcovPath => Path.Combine(OutputDirectory, "lcov.info");

    public string CoberturaPath => Path.Combine(OutputDirectory, "coverage.cobertura.xml");

    /// <summary>The summary line; fails when there is not exactly one.</summary>
    public CoverSummary Summary()
    {
        var matches = SummaryLine().Matches(Process.StandardError);
        Assert.True(matches.Count == 1, $"expected one summary line on stderr, found {matches.Count}:\n{Process.StandardError}");
        var m = matches[0];
        if (!m.Groups[1].Success)
        {
            return new CoverSummary(0, 0, null, 0, m.Groups[5].Value, m.Groups[6].Value);
        }
        return new CoverSummary(
            int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture),
            m.Groups[5].Value,
            m.Groups[6].Value);
    }

    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s\nstdout:\n{Process.StandardOutput}\nstderr:\n{Process.StandardError}";

    [GeneratedRegex(@"^harness: lines: (?:(\d+)/(\d+) \((\d+(?:\.\d+)?)%\) in (\d+) files|n/a \([^)]*\)); (.+?): (.+); reports in .+$", RegexOptions.Multiline)]
    private static partial Regex SummaryLine();
}

/// <summary>
/// Runs the real <c>harness</c> command as a separate process: <c>dotnet harness.dll</c>, where the project
/// reference copied harness.dll next to this assembly.
/// </summary>
internal static class HarnessCover
{
    public static string AssemblyPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "harness.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"harness.dll is not next to the test assembly in {AppContext.BaseDirectory}", path);
        }
    }

    /// <summary><c>harness cover --out OUT OPTIONS… -- PROGRAM ARGUMENTS…</c>.</summary>
    public static CoverRun Run(string outputDirectory, IEnumerable<string> options, string program, params string[] arguments)
    {
        var clock = Stopwatch.StartNew();
        var result = ProcessRunner.Run(DotnetHost(), [AssemblyPath, "cover", "--out", outputDirectory, .. options, "--", program, .. arguments], timeout: TimeSpan.FromMinutes(2));
        return new CoverRun(result, clock.Elapsed, outputDirectory);
    }

    // The host running this test (DOTNET_HOST_PATH is set by the SDK for the processes it starts).
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
}
