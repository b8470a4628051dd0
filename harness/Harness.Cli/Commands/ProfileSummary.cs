using System.Globalization;
using Harness.Core.Profiling;

namespace Harness.Cli.Commands;

/// <summary>The console part of profiling: the top functions by self time, and where the files are.</summary>
internal static class ProfileSummary
{
    /// <summary>Writes the profiles and prints the top functions (of one profile, or summed over a run's tests).</summary>
    public static void WriteAndPrint(IReadOnlyList<TestProfile> profiles, string outputDirectory, int rate, int top, TextWriter console)
    {
        var file = ProfileFiles.WriteAll(profiles, outputDirectory, rate);
        var samples = file.Tests.Sum(t => t.Samples);
        var sampled = file.Tests.Sum(t => t.SampledMs);
        var functions = file.Tests.SelectMany(t => t.Functions)
            .GroupBy(f => (f.Name, Image: Path.GetFileName(f.Image)))
            .Select(g => (g.Key.Name, g.Key.Image, Self: g.Sum(f => f.SelfMs), Total: g.Sum(f => f.TotalMs)))
            .OrderByDescending(f => f.Self).ThenBy(f => f.Name, StringComparer.Ordinal)
            .Take(top)
            .ToList();
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"harness: profile: {file.Tests.Count} {(file.Tests.Count == 1 ? "profile" : "profiles")}, {samples} samples at {rate} Hz ({sampled:F0} ms of CPU); top functions by self time:"));
        console.WriteLine("     self ms  self %   total %  function");
        foreach (var (name, image, self, total) in functions)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {self,10:F1}  {Share(self, sampled),6:F1}  {Share(total, sampled),8:F1}  {name} ({image})"));
        }
        console.WriteLine($"harness: profiles in {Path.Combine(outputDirectory, ProfileFiles.Directory)} (.folded: flame graphs, .speedscope.json: https://www.speedscope.app) and {Path.Combine(outputDirectory, "profile.json")}");
    }

    private static double Share(double part, double whole) => whole <= 0 ? 0 : 100.0 * part / whole;
}
