using System.Diagnostics;
using System.Text.Json;
using Harness.EndToEnd.Tests.Support;

namespace Harness.EndToEnd.Tests;

/// <summary>
/// Profiling as a user runs it: <c>harness profile -- PROGRAM</c> and <c>harness test --profile</c> name the hot
/// function of fixtures/c-profile's hotspot (≈80 % in hot_loop by construction), write a profile per test of the
/// Rust suite, and leave the programs' exit codes and outcomes as they are. Also measures the sampling overhead
/// against a native run (reported, with a loose ceiling: the machine is shared).
/// </summary>
public sealed class ProfileCommandTests
{
    private static string Hotspot => Fixtures.CMake("c-profile", CFlavour.O0).Output("hotspot");

    [Fact]
    public void Profile_Hotspot_HotLoopTopsTheTableAndTheFiles()
    {
        using var directory = new TempDirectory("profile-hotspot");

        var result = Run("profile", "--out", directory.Path, "--", Hotspot);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.StartsWith("hotspot: ", result.StandardOutput, StringComparison.Ordinal);
        var table = result.StandardError.Split('\n').SkipWhile(l => !l.Contains("self ms", StringComparison.Ordinal)).Skip(1).First();
        Assert.Contains("hot_loop (hotspot)", table, StringComparison.Ordinal);
        var entry = Assert.Single(ProfileTests(directory.Path));
        Assert.Equal("hotspot", entry.GetProperty("test").GetString());
        var functions = entry.GetProperty("functions").EnumerateArray().ToList();
        Assert.Equal("hot_loop", functions[0].GetProperty("name").GetString());
        Assert.InRange(functions[0].GetProperty("selfShare").GetDouble(), 0.6, 0.95);
        var folded = File.ReadAllText(Path.Combine(directory.Path, entry.GetProperty("folded").GetString()!));
        Assert.Contains("main;run;hot_loop ", folded, StringComparison.Ordinal);
        using var speedscope = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.Path, entry.GetProperty("speedscope").GetString()!)));
        Assert.Equal("sampled", speedscope.RootElement.GetProperty("profiles")[0].GetProperty("type").GetString());
    }

    [Fact]
    public void Profile_ProgramExits3_ExitCode3()
    {
        using var directory = new TempDirectory("profile-exit");

        var result = Run("profile", "--out", directory.Path, "--", "/bin/sh", "-c", "exit 3");

        Assert.Equal(3, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(directory.Path, "profile.json")));
    }

    [Fact]
    public void Test_PlainHotspotBinaryWithProfile_ProfileNamesHotLoop()
    {
        using var directory = new TempDirectory("test-profile-plain");

        var result = Run("test", Hotspot, "--profile", "--out", directory.Path);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        var entry = Assert.Single(ProfileTests(directory.Path));
        Assert.Equal("hot_loop", entry.GetProperty("functions")[0].GetProperty("name").GetString());
        Assert.Contains("hot_loop (hotspot)", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_RustSuiteWithProfile_AProfilePerTestThatRan()
    {
        using var directory = new TempDirectory("test-profile-rust");
        var rust = Fixtures.Rust(RustFlavour.Default).SourceDirectory;

        var result = Run("test", rust, "--profile", "--filter", "rust.calc.lib.", "--out", directory.Path);

        Assert.True(result.ExitCode == 1, result.StandardOutput + result.StandardError); // one test fails on purpose
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.Path, "results.json")));
        var ran = results.RootElement.GetProperty("tests").EnumerateArray()
            .Where(t => t.GetProperty("outcome").GetString() != "skipped")
            .Select(t => t.GetProperty("fullyQualifiedName").GetString()!)
            .Order(StringComparer.Ordinal).ToList();
        var profiles = ProfileTests(directory.Path);
        Assert.Equal(ran, profiles.Select(p => p.GetProperty("test").GetString()!).Order(StringComparer.Ordinal));
        foreach (var profile in profiles)
        {
            Assert.True(File.Exists(Path.Combine(directory.Path, profile.GetProperty("folded").GetString()!)));
            using var speedscope = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.Path, profile.GetProperty("speedscope").GetString()!)));
            Assert.True(profile.GetProperty("samples").GetInt64() + profile.GetProperty("waitingSamples").GetInt64() > 0, profile.GetProperty("test").GetString());
        }
        // slow_collatz sleeps 300 ms in its test thread: seen as waiting, not as CPU time of any function.
        var slow = profiles.Single(p => p.GetProperty("test").GetString() == "rust.calc.lib.tests.slow_collatz");
        Assert.True(slow.GetProperty("waitingSamples").GetInt64() >= 50, slow.ToString());
    }

    [Fact]
    public void Profile_Hotspot_OverheadAgainstNativeRunIsModest()
    {
        using var directory = new TempDirectory("profile-overhead");
        var native = Stopwatch.StartNew();
        ProcessRunner.Run(Hotspot, []).EnsureSuccess("native hotspot");
        native.Stop();

        var result = Run("profile", "--out", directory.Path, "--", Hotspot);

        Assert.Equal(0, result.ExitCode);
        var entry = Assert.Single(ProfileTests(directory.Path));
        var cpu = entry.GetProperty("cpuMs").GetDouble();
        var sampling = entry.GetProperty("samplingMs").GetDouble();
        // The tracer's own work per sample, against the program's CPU time: about 10 % at 1 kHz when measured.
        Assert.True(sampling < cpu, $"sampling {sampling:F0} ms for {cpu:F0} ms of CPU (native wall {native.ElapsedMilliseconds} ms)");
    }

    private static List<JsonElement> ProfileTests(string directory)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "profile.json")));
        return [.. document.RootElement.GetProperty("tests").EnumerateArray().Select(e => e.Clone())];
    }

    [Fact]
    public void Compare_ProfilesBeforeAndAfterAKnownShift_HotLoopLosesShareAndWarmGainsIt()
    {
        using var before = new TempDirectory("profile-before");
        using var after = new TempDirectory("profile-after");
        // hotspot 2 1: hot_loop ≈ 80 %, warm ≈ 15 %; hotspot 2 6: hot_loop ≈ 46 %, warm ≈ 51 % (by construction).
        Assert.Equal(0, Run("profile", "--out", before.Path, "--", Hotspot, "2", "1").ExitCode);
        Assert.Equal(0, Run("profile", "--out", after.Path, "--", Hotspot, "2", "6").ExitCode);

        var result = Run("compare", "--baseline", Path.Combine(before.Path, "profile.json"), "--current", Path.Combine(after.Path, "profile.json"),
            "--format", "json");

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var shifts = Assert.Single(json.RootElement.EnumerateObject()).Value.EnumerateArray().ToList();
        double Change(string function) => shifts.Single(s => s.GetProperty("name").GetString() == function).GetProperty("selfShareChange").GetDouble();
        Assert.InRange(Change("hot_loop"), -0.5, -0.2);
        Assert.InRange(Change("warm"), 0.2, 0.5);
        Assert.Contains(shifts[0].GetProperty("name").GetString(), new[] { "hot_loop", "warm" });
    }

    private static ProcessResult Run(params string[] arguments) =>
        ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, .. arguments], timeout: TimeSpan.FromMinutes(3));
}
