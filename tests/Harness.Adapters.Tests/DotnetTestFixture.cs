using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Suites;
using Harness.Core.Suites.Discovery;

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
    private readonly Lazy<Task<DotnetRun>> _full;
    private readonly Lazy<Task<DotnetRun>> _filtered;
    private readonly Lazy<Task<ProcessResult>> _listed;
    private readonly Lazy<IReadOnlyList<TestCase>> _expected;
    private readonly Lazy<Task<ProcessResult>> _platform;
    private readonly Lazy<Task<DotnetRun>> _twoSources;

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
        _full = new(() => Task.Run(() => Test("full", NativeFixturesSolution,
            ["--collect", "Native Coverage", "--collect", "XPlat Code Coverage", "--logger", "trx", "--logger", "junit;LogFilePath={dir}/{assembly}.junit.xml"])));
        _filtered = new(() => Task.Run(() => Test("filtered", NativeProject, ["--filter", Filter, "--logger", "trx;LogFileName=filtered.trx"])));
        _listed = new(() => Task.Run(() =>
        {
            _ = _build.Value;
            return Dotnet(["test", NativeProject, "-c", "Release", "--no-build", "--list-tests"], "list");
        }));
        _expected = new(ListWithEngine);
        _twoSources = new(() => Task.Run(() =>
        {
            // A second source: a copy of Native.Tests' output (its manifest names absolute paths, so it runs the same suites).
            _ = _build.Value;
            var copy = Path.Combine(_results.Path, "copy");
            CopyDirectory(NativeOutput, copy);
            return Test("two-sources", Path.Combine(NativeOutput, "Native.Tests.dll"),
                [Path.Combine(copy, "Native.Tests.dll"), "--collect", "Native Coverage", "--test-adapter-path", copy], configuration: false);
        }));
        _platform = new(() => Task.Run(() =>
        {
            _ = _build.Value;
            using (FileLock.Acquire(Path.Combine(FixtureDirectory, "obj", "harness-tests.lock"), TimeSpan.FromMinutes(20)))
            {
                Dotnet(["build", PlatformProject, "-c", "Release"], "build").EnsureSuccess("dotnet build fixtures/dotnet/Native.Platform.Tests");
            }
            var program = Path.Combine(FixtureDirectory, "Native.Platform.Tests", "bin", "Release", "net10.0", "Native.Platform.Tests.dll");
            // MTP colours its summary when it sees CI=true, even into a pipe: --no-ansi keeps the text plain.
            return Dotnet([program, "--no-ansi", "--filter", "FullyQualifiedName~rust.calc.test.integration"], "platform");
        }));
    }

    public static string FixtureDirectory => Path.Combine(Repository.FixturesDirectory, "dotnet");

    public static string NativeProject => Path.Combine(FixtureDirectory, "Native.Tests", "Native.Tests.csproj");

    private static string InteropTestProject => Path.Combine(FixtureDirectory, "Calc.Interop.Tests", "Calc.Interop.Tests.csproj");

    private static string NativeOutput => Path.Combine(FixtureDirectory, "Native.Tests", "bin", "Release", "net10.0");

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    private static string PlatformProject => Path.Combine(FixtureDirectory, "Native.Platform.Tests", "Native.Platform.Tests.csproj");

    private static string NativeFixturesSolution => Path.Combine(FixtureDirectory, "NativeFixtures.sln");

    /// <summary>Where the fixture's suites are built (its Directory.Build.props: FixtureNativeBuildDir).</summary>
    public static string NativeBuildDirectory => Path.Combine(FixtureDirectory, "obj", "native");

    /// <summary>`dotnet test` of the whole fixture folder with both coverage collectors, TRX and JUnit.</summary>
    public DotnetRun Full => Await(_full);

    /// <summary>`dotnet test Native.Tests --filter <see cref="Filter"/>` with TRX.</summary>
    public DotnetRun Filtered => Await(_filtered);

    /// <summary>`dotnet test Native.Tests --list-tests`.</summary>
    public ProcessResult Listed => Await(_listed);

    /// <summary>Native.Platform.Tests (Microsoft.Testing.Platform through the VSTest bridge) run as its own program with a filter.</summary>
    public ProcessResult Platform => Await(_platform);

    /// <summary>`dotnet test` of two sources with native tests (Native.Tests and a copy) with Native Coverage: one merged attachment.</summary>
    public DotnetRun TwoSources => Await(_twoSources);

    /// <summary>The oracle: the suites of Native.Tests.csproj listed by the engine with the same filters, not through VSTest.</summary>
    public IReadOnlyList<TestCase> Expected => _expected.Value;

    /// <summary>
    /// Starts every run at the first use of any (after the one shared build), then waits for the one asked for:
    /// most of a `dotnet test` is process start-up and MSBuild evaluation, which overlap well.
    /// </summary>
    private T Await<T>(Lazy<Task<T>> run)
    {
        _ = (_full.Value, _filtered.Value, _listed.Value, _twoSources.Value, _platform.Value);
        return run.Value.GetAwaiter().GetResult();
    }

    private DotnetRun Test(string name, string target, IReadOnlyList<string> arguments, bool configuration = true)
    {
        _ = _build.Value;
        var directory = Path.Combine(_results.Path, name);
        string[] command = ["test", target, .. configuration ? ["-c", "Release", "--no-build"] : Array.Empty<string>(), "--results-directory", directory,
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
    private static ProcessResult Dotnet(IReadOnlyList<string> arguments, string what) =>
        ProcessRunner.Run("dotnet", [.. arguments], FixtureDirectory, CleanEnvironment(), TimeSpan.FromMinutes(8));

    /// <summary>The variables an inner <c>dotnet</c> process needs changed: none of the outer run's MSBuild or vstest state.</summary>
    internal static Dictionary<string, string?> CleanEnvironment() =>
        new()
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

    public void Dispose()
    {
        // A run a filtered test session never asked for may still be going: let it end (each is bounded by
        // ProcessRunner's timeout, which kills its process tree) before its results directory goes.
        Task[] started = [.. new object[] { _full, _filtered, _listed, _twoSources, _platform }
            .Select(run => run switch
            {
                Lazy<Task<DotnetRun>> { IsValueCreated: true } r => (Task)r.Value,
                Lazy<Task<ProcessResult>> { IsValueCreated: true } r => r.Value,
                _ => Task.CompletedTask,
            })];
        Task.WaitAny(Task.WhenAll(started), Task.Delay(TimeSpan.FromMinutes(9)));
        _results.Dispose();
    }
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
