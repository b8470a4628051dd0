using Harness.Core.Suites;
using Harness.Core.Suites.Discovery;
using Harness.Core.Suites.Frameworks;
using Harness.Core.Suites.Running;

namespace Harness.Adapters.Tests;

/// <summary>
/// fixtures/dotnet built once per test run (under a lock: it builds in place, its native suites into its own
/// obj/native), and the few real <c>dotnet test</c> runs the tests look at, each started once, each with its own
/// results directory. Every <c>dotnet test</c> costs 10–30 s here, so the tests share them.
/// </summary>
public sealed class DotnetTestFixture : IDisposable
{
    private readonly TempDirectory _results = new("dotnet-test");
    private readonly Lazy<ProcessResult> _build;
    private readonly Lazy<DotnetRun> _full;
    private readonly Lazy<DotnetRun> _filtered;
    private readonly Lazy<ProcessResult> _listed;
    private readonly Lazy<IReadOnlyList<TestCase>> _expected;
    private readonly Lazy<ProcessResult> _platform;

    public const string Filter = "FullyQualifiedName~rust.calc.test.integration|DisplayName=PassingShapes.TriangleArea|Module=tests::nested";

    public DotnetTestFixture()
    {
        _build = new(() =>
        {
            using var _ = FileLock.Acquire(Path.Combine(FixtureDirectory, "obj", "harness-tests.lock"), TimeSpan.FromMinutes(20));
            // Project by project, not the solution: a solution build builds the adapter projects (outside it) in Debug.
            Dotnet(["build", NativeProject, "-c", "Release"], "build").EnsureSuccess("dotnet build fixtures/dotnet/Native.Tests");
            return Dotnet(["build", InteropTestProject, "-c", "Release"], "build").EnsureSuccess("dotnet build fixtures/dotnet/Calc.Interop.Tests");
        });
        _full = new(() => Test("full", NativeFixturesSolution,
            ["--collect", "Native Coverage", "--collect", "XPlat Code Coverage", "--logger", "trx", "--logger", "junit;LogFilePath={dir}/{assembly}.junit.xml"]));
        _filtered = new(() => Test("filtered", NativeProject, ["--filter", Filter, "--logger", "trx;LogFileName=filtered.trx"]));
        _listed = new(() =>
        {
            _ = _build.Value;
            return Dotnet(["test", NativeProject, "-c", "Release", "--no-build", "--list-tests"], "list");
        });
        _expected = new(ListWithEngine);
        _platform = new(() =>
        {
            _ = _build.Value;
            using (FileLock.Acquire(Path.Combine(FixtureDirectory, "obj", "harness-tests.lock"), TimeSpan.FromMinutes(20)))
            {
                Dotnet(["build", PlatformProject, "-c", "Release"], "build").EnsureSuccess("dotnet build fixtures/dotnet/Native.Platform.Tests");
            }
            var program = Path.Combine(FixtureDirectory, "Native.Platform.Tests", "bin", "Release", "net10.0", "Native.Platform.Tests.dll");
            return Dotnet([program, "--filter", "FullyQualifiedName~rust.calc.test.integration"], "platform");
        });
    }

    public static string FixtureDirectory => Path.Combine(Repository.FixturesDirectory, "dotnet");

    public static string NativeProject => Path.Combine(FixtureDirectory, "Native.Tests", "Native.Tests.csproj");

    private static string InteropTestProject => Path.Combine(FixtureDirectory, "Calc.Interop.Tests", "Calc.Interop.Tests.csproj");

    private static string PlatformProject => Path.Combine(FixtureDirectory, "Native.Platform.Tests", "Native.Platform.Tests.csproj");

    private static string NativeFixturesSolution => Path.Combine(FixtureDirectory, "NativeFixtures.sln");

    /// <summary>Where the fixture's suites are built (its Directory.Build.props: FixtureNativeBuildDir).</summary>
    public static string NativeBuildDirectory => Path.Combine(FixtureDirectory, "obj", "native");

    /// <summary>`dotnet test` of the whole fixture folder with both coverage collectors, TRX and JUnit.</summary>
    public DotnetRun Full => _full.Value;

    /// <summary>`dotnet test Native.Tests --filter <see cref="Filter"/>` with TRX.</summary>
    public DotnetRun Filtered => _filtered.Value;

    /// <summary>`dotnet test Native.Tests --list-tests`.</summary>
    public ProcessResult Listed => _listed.Value;

    /// <summary>Native.Platform.Tests (Microsoft.Testing.Platform through the VSTest bridge) run as its own program with a filter.</summary>
    public ProcessResult Platform => _platform.Value;

    /// <summary>The oracle: the suites of Native.Tests.csproj listed by the engine with the same filters, not through VSTest.</summary>
    public IReadOnlyList<TestCase> Expected => _expected.Value;

    private DotnetRun Test(string name, string target, IReadOnlyList<string> arguments)
    {
        _ = _build.Value;
        var directory = Path.Combine(_results.Path, name);
        string[] command = ["test", target, "-c", "Release", "--no-build", "--results-directory", directory,
            .. arguments.Select(a => a.Replace("{dir}", directory, StringComparison.Ordinal))];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = Dotnet(command, name);
        return new DotnetRun(result, directory, clock.Elapsed);
    }

    private IReadOnlyList<TestCase> ListWithEngine()
    {
        _ = _build.Value;
        var cargo = new Dictionary<string, string?> { ["CARGO_TARGET_DIR"] = Path.Combine(NativeBuildDirectory, "rust") };
        var rust = TestLister.ListAll(SuiteDiscovery.Discover(Path.Combine(Repository.FixturesDirectory, "rust"), SuiteKind.Cargo, environment: cargo));
        var gtest = TestLister.ListAll(SuiteDiscovery.Discover(Path.Combine(NativeBuildDirectory, "cpp-gtest"), SuiteKind.CMake));
        return
        [
            .. new TestSelection(["!tests::deliberately_fails"]).Apply(rust),
            .. new TestSelection(["!Shapes.DeliberatelyFails", "!Crash.SegfaultsOnPurpose"]).Apply(gtest),
        ];
    }

    /// <summary>
    /// Runs the dotnet CLI as a child: no build servers left behind, and none of the variables the outer
    /// `dotnet test` set that would point the inner MSBuild or vstest at the outer one's.
    /// </summary>
    private static ProcessResult Dotnet(IReadOnlyList<string> arguments, string what)
    {
        var environment = new Dictionary<string, string?>
        {
            ["MSBUILD_EXE_PATH"] = null,
            ["MSBuildExtensionsPath"] = null,
            ["MSBuildSDKsPath"] = null,
            ["MSBuildLoadMicrosoftTargetsReadOnly"] = null,
            ["VSTEST_HOST_DEBUG"] = null,
            ["HARNESS_COVERAGE_DIR"] = null,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            ["UseSharedCompilation"] = "false",
        };
        return ProcessRunner.Run("dotnet", [.. arguments], FixtureDirectory, environment, TimeSpan.FromMinutes(8));
    }

    public void Dispose() => _results.Dispose();
}

/// <summary>One finished `dotnet test` process and the directory its results went to.</summary>
public sealed record DotnetRun(ProcessResult Process, string ResultsDirectory, TimeSpan Elapsed)
{
    public string Output => Process.StandardOutput + Process.StandardError;

    public IEnumerable<string> Files(string pattern) => Directory.EnumerateFiles(ResultsDirectory, pattern, SearchOption.AllDirectories);
}

[CollectionDefinition(Name)]
public sealed class DotnetTestCollection : ICollectionFixture<DotnetTestFixture>
{
    public const string Name = "dotnet test on fixtures/dotnet";
}
