using Harness.Core.Profiling;
using Harness.Tracing;

namespace Harness.Core.Tests.Profiling;

/// <summary>
/// fixtures/c-profile programs run once per test process under the real tracer with sampling at 1 kHz, and
/// their profiles built through the real symbolizer. Shared so that each program runs once.
/// </summary>
internal static class ProfileFixture
{
    private static readonly FunctionSymbolizer Symbolizer = new();
    private static readonly Lazy<TestProfile> HotspotProfile = new(() => Profile("hotspot"));
    private static readonly Lazy<TestProfile> SpinnersProfile = new(() => Profile("spinners", "300"));

    public static TestProfile Hotspot => HotspotProfile.Value;

    public static TestProfile Spinners => SpinnersProfile.Value;

    public static string Program(string name) => Fixtures.CMake("c-profile", CFlavour.O0).Output(name);

    private static TestProfile Profile(string name, params string[] arguments)
    {
        using var stdin = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read);
        using var stdout = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write);
        var options = new LaunchOptions(Program(name), arguments)
        {
            StandardInput = (int)stdin.DangerousGetHandle(),
            StandardOutput = (int)stdout.DangerousGetHandle(),
            SampleRate = ProfileCollector.DefaultRate,
            Timeout = TimeSpan.FromMinutes(2),
        };
        var result = Tracer.Run(options, NoProbes.Instance);
        Assert.Equal(0, result.ExitCode);
        return ProfileBuilder.Build(name, [result.Profile!], Symbolizer);
    }
}
