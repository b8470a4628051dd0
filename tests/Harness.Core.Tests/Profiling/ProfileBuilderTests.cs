using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Harness.Core.Profiling;

namespace Harness.Core.Tests.Profiling;

/// <summary>
/// Profiles of programs whose hot spots are known by construction (fixtures/c-profile/README.md): hotspot spends
/// ≈80 % in hot_loop, ≈15 % in warm, ≈5 % in run, all under main → run. Share bands are wide on purpose: the
/// machine is shared, and a profile's shares must not make a test flaky.
/// </summary>
public sealed class ProfileBuilderTests
{
    [Fact]
    public void Build_Hotspot_HotLoopHasTheMostSelfTimeWithinItsBand()
    {
        var profile = ProfileFixture.Hotspot;

        Assert.True(profile.Samples >= 50, $"{profile.Samples} samples");
        var top = profile.Functions[0];
        Assert.Equal("hot_loop", top.Frame.Name);
        Assert.EndsWith("/c-profile/src/hotspot.c", top.Frame.File, StringComparison.Ordinal);
        Assert.InRange(profile.SelfShare(top), 0.6, 0.95);
        var warm = Assert.Single(profile.Functions, f => f.Frame.Name == "warm");
        Assert.InRange(profile.SelfShare(warm), 0.04, 0.3);
        Assert.True(profile.SelfShare(warm) < profile.SelfShare(top));
        foreach (var caller in new[] { "main", "run" })
        {
            var function = Assert.Single(profile.Functions, f => f.Frame.Name == caller);
            Assert.InRange(profile.TotalShare(function), 0.85, 1.0);
        }
    }

    [Fact]
    public void WriteFolded_Hotspot_StacksRunMainRunHotLoopAndCountsAddUp()
    {
        var profile = ProfileFixture.Hotspot;
        using var output = new MemoryStream();

        ProfileFiles.WriteFolded(profile, output);

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var parsed = lines.Select(l => Regex.Match(l, @"^(.+) (\d+)$")).ToList();
        Assert.All(parsed, m => Assert.True(m.Success));
        Assert.Equal(profile.Samples, parsed.Sum(m => long.Parse(m.Groups[2].Value)));
        var hot = parsed.Where(m => m.Groups[1].Value.EndsWith("main;run;hot_loop", StringComparison.Ordinal)).Sum(m => long.Parse(m.Groups[2].Value));
        Assert.Equal(profile.Functions.Single(f => f.Frame.Name == "hot_loop").SelfSamples, hot);
    }

    [Fact]
    public void WriteSpeedscope_Hotspot_HasTheSchemasRequiredFieldsAndValidIndices()
    {
        var profile = ProfileFixture.Hotspot;
        using var output = new MemoryStream();

        ProfileFiles.WriteSpeedscope(profile, output);

        using var document = JsonDocument.Parse(output.ToArray());
        var root = document.RootElement;
        Assert.Equal("https://www.speedscope.app/file-format-schema.json", root.GetProperty("$schema").GetString());
        var frames = root.GetProperty("shared").GetProperty("frames");
        Assert.All(frames.EnumerateArray(), f => Assert.False(string.IsNullOrEmpty(f.GetProperty("name").GetString())));
        var profiles = root.GetProperty("profiles").EnumerateArray().ToList();
        var only = Assert.Single(profiles); // one thread
        Assert.Equal("sampled", only.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(only.GetProperty("name").GetString()));
        Assert.Equal("milliseconds", only.GetProperty("unit").GetString());
        Assert.Equal(0, only.GetProperty("startValue").GetDouble());
        var samples = only.GetProperty("samples").EnumerateArray().ToList();
        var weights = only.GetProperty("weights").EnumerateArray().Select(w => w.GetDouble()).ToList();
        Assert.Equal(samples.Count, weights.Count);
        Assert.Equal(weights.Sum(), only.GetProperty("endValue").GetDouble(), 6);
        Assert.All(samples, s => Assert.All(s.EnumerateArray(), i => Assert.InRange(i.GetInt32(), 0, frames.GetArrayLength() - 1)));
        // Outermost first: a hot_loop sample ends with hot_loop and has run and main before it.
        var names = frames.EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        Assert.Contains(samples, s => s.EnumerateArray().Select(i => names[i.GetInt32()]).TakeLast(3).SequenceEqual(["main", "run", "hot_loop"]));
    }

    [Fact]
    public void Build_Spinners_EveryThreadHasATimelineAndItsOwnFunction()
    {
        var profile = ProfileFixture.Spinners;

        foreach (var spinner in new[] { "spin_one", "spin_two", "spin_three" })
        {
            var function = Assert.Single(profile.Functions, f => f.Frame.Name == spinner);
            // Samples, not shares: on a loaded machine one spinner may get far less CPU than the others.
            Assert.True(function.SelfSamples >= 10, $"{spinner}: {function.SelfSamples}");
            Assert.True(profile.SelfShare(function) > 0);
        }
        Assert.True(profile.Threads.Count >= 3, $"{profile.Threads.Count} threads");
        Assert.True(profile.WaitingSamples > 0, "main waits in pthread_join");
    }

    [Fact]
    public void WriteAll_TwoProfiles_ProfileJsonReadsBackWithFilesThatExist()
    {
        using var directory = new TempDirectory("profile-files");

        var written = ProfileFiles.WriteAll([ProfileFixture.Hotspot, ProfileFixture.Spinners], directory.Path, ProfileCollector.DefaultRate);

        var read = ProfileFile.Read(Path.Combine(directory.Path, "profile.json"));
        Assert.Equal(1, read.SchemaVersion);
        Assert.Equal(1000, read.RateHz);
        Assert.Equal(["hotspot", "spinners"], read.Tests.Select(t => t.Test));
        foreach (var entry in read.Tests)
        {
            Assert.True(File.Exists(Path.Combine(directory.Path, entry.Folded)), entry.Folded);
            Assert.True(File.Exists(Path.Combine(directory.Path, entry.Speedscope)), entry.Speedscope);
        }
        var hot = read.Tests[0].Functions[0];
        Assert.Equal("hot_loop", hot.Name);
        Assert.Equal(ProfileFixture.Hotspot.Functions[0].SelfTime.TotalMilliseconds, hot.SelfMs, 6);
        Assert.Equal(read.Tests[0].SampledMs, read.Tests[0].Functions.Sum(f => f.SelfMs), 3);
        Assert.Equal(written.Tests[0].Functions.Count, read.Tests[0].Functions.Count);
    }

    [Fact]
    public void Read_NotAProfile_InvalidDataExceptionNamingTheFile()
    {
        using var directory = new TempDirectory("profile-bad");
        var path = Path.Combine(directory.Path, "profile.json");
        File.WriteAllText(path, "{ not json");

        var error = Assert.Throws<InvalidDataException>(() => ProfileFile.Read(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
