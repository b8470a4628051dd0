using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Suites;
using Harness.Core.Suites.Discovery;

namespace Harness.Core.Tests.Discovery;

/// <summary>The fixtures/rust workspace discovered once per class, built into its own target directory.</summary>
public sealed class RustDiscovery
{
    public RustDiscovery()
    {
        Workspace = Fixtures.Rust(RustFlavour.Default).SourceDirectory;
        TargetDirectory = Path.Combine(Repository.FixtureCache, "rust-discovery");
        Binaries = SuiteDiscovery.Discover(Workspace, SuiteKind.Auto, Output.Add, Environment);
    }

    public string Workspace { get; }

    public string TargetDirectory { get; }

    public List<string> Output { get; } = [];

    public IReadOnlyList<TestBinary> Binaries { get; }

    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?> { ["CARGO_TARGET_DIR"] = TargetDirectory };

    public TestBinary this[string id] => Binaries.Single(b => b.BinaryId == id);
}

public sealed class CargoDiscoveryTests(RustDiscovery rust) : IClassFixture<RustDiscovery>
{
    [Fact]
    public void Discover_RustWorkspace_OneBinaryPerTestTargetNamedByPackageKindAndTarget()
    {
        Assert.Equal(
            ["calc-ffi.doc", "calc-ffi.lib", "calc.bin.calc-cli", "calc.doc", "calc.lib", "calc.test.integration"],
            rust.Binaries.Select(b => b.BinaryId).Order(StringComparer.Ordinal));
        // A package's doctests are cargo's to build and run: `cargo test --doc --package NAME -- …`.
        Assert.All(rust.Binaries.Where(b => b.BinaryId.EndsWith(".doc", StringComparison.Ordinal)), b =>
            Assert.Equal(["test", "--doc", "--package", b.BinaryId[..^".doc".Length], "--"], b.Arguments));
        Assert.All(rust.Binaries.Where(b => !b.BinaryId.EndsWith(".doc", StringComparison.Ordinal)), b =>
        {
            Assert.Equal("rust", b.Suite);
            Assert.Equal(TestFramework.LibTest, b.Framework);
            Assert.True(File.Exists(b.Path), b.Path);
            Assert.StartsWith(rust.TargetDirectory + "/", b.Path, StringComparison.Ordinal);
            Assert.Empty(b.Arguments);
            Assert.Null(b.Timeout);
        });
    }

    [Fact]
    public void Discover_RustWorkspace_RunsInPackageDirectoryWithCargoVariables()
    {
        var calc = Path.Combine(rust.Workspace, "calc");
        foreach (var id in new[] { "calc.lib", "calc.bin.calc-cli", "calc.test.integration" })
        {
            var binary = rust[id];
            Assert.Equal(calc, binary.WorkingDirectory);
            Assert.Equal(calc, binary.Environment["CARGO_MANIFEST_DIR"]);
            Assert.Equal(Path.Combine(calc, "Cargo.toml"), binary.Environment["CARGO_MANIFEST_PATH"]);
            Assert.Equal("calc", binary.Environment["CARGO_PKG_NAME"]);
            Assert.Equal("0.1.0", binary.Environment["CARGO_PKG_VERSION"]);
            Assert.Equal(("0", "1", "0"), (binary.Environment["CARGO_PKG_VERSION_MAJOR"], binary.Environment["CARGO_PKG_VERSION_MINOR"], binary.Environment["CARGO_PKG_VERSION_PATCH"]));
            Assert.True(File.Exists(binary.Environment["CARGO"]), binary.Environment["CARGO"]);
        }
        var ffi = rust["calc-ffi.lib"];
        Assert.Equal(Path.Combine(rust.Workspace, "calc-ffi"), ffi.WorkingDirectory);
        Assert.Equal("calc-ffi", ffi.Environment["CARGO_PKG_NAME"]);
        // Compile-time variables (env!), which cargo does not set when it runs a test.
        Assert.All(rust.Binaries, b => Assert.DoesNotContain(b.Environment.Keys, k => k is "CARGO_CRATE_NAME" or "CARGO_BIN_NAME" or "CARGO_TARGET_TMPDIR"));
    }

    [Fact]
    public void Discover_IntegrationTest_GetsPackagePrograms()
    {
        var integration = rust["calc.test.integration"];

        var program = integration.Environment["CARGO_BIN_EXE_calc-cli"];
        Assert.True(File.Exists(program), program);
        Assert.Equal(TestFramework.Plain, FrameworkDetection.Detect(program));
        Assert.False(rust["calc-ffi.lib"].Environment.ContainsKey("CARGO_BIN_EXE_calc-cli"));
    }

    [Fact]
    public void Discover_IntegrationTestRunWithDiscoveredSetup_Passes()
    {
        // The oracle for the setup: the test binary runs its tests (which start calc-cli) as under cargo test.
        var integration = rust["calc.test.integration"];
        var result = ProcessRunner.Run(
            integration.Path, ["--test-threads", "1"], integration.WorkingDirectory,
            integration.Environment.ToDictionary(kv => kv.Key, kv => (string?)kv.Value), TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
    }

    [Fact]
    public void Discover_RustWorkspace_StreamsCargoProgress()
    {
        Assert.Contains(rust.Output, line => line.Contains("Finished", StringComparison.Ordinal));
    }

    [Fact]
    public void Discover_Twice_SameIdsPathsAndEnvironment()
    {
        var again = SuiteDiscovery.Discover(rust.Workspace, SuiteKind.Cargo, environment: rust.Environment);

        Assert.Equal(rust.Binaries.Select(Key), again.Select(Key));

        static string Key(TestBinary b) =>
            $"{b.Suite}.{b.BinaryId} {b.Path} {b.WorkingDirectory} {string.Join(';', b.Environment.OrderBy(kv => kv.Key, StringComparer.Ordinal))}";
    }

    [Fact]
    public void Discover_MemberPackageDirectory_OnlyThatPackageSuiteNamedAfterTheWorkspace()
    {
        var binaries = SuiteDiscovery.Discover(Path.Combine(rust.Workspace, "calc"), environment: rust.Environment);

        Assert.Equal(
            ["calc.bin.calc-cli", "calc.doc", "calc.lib", "calc.test.integration"],
            binaries.Select(b => b.BinaryId).Order(StringComparer.Ordinal));
        Assert.All(binaries, b => Assert.Equal("rust", b.Suite));
    }

    [Fact]
    public void Discover_ManifestSyntaxError_SuiteExceptionWithExitCode()
    {
        using var crate = new TempDirectory("cargo-bad-manifest");
        File.WriteAllText(crate.File("Cargo.toml"), "[package\nname = \"broken\"\n");

        var error = Assert.Throws<SuiteException>(() => SuiteDiscovery.Discover(crate.Path, environment: rust.Environment));

        Assert.NotNull(error.ExitCode);
        Assert.NotEqual(0, error.ExitCode);
        Assert.Contains(crate.Path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Discover_CompileError_SuiteExceptionCarriesExitCodeAndDiagnostic()
    {
        using var crate = new TempDirectory("cargo-compile-error");
        File.WriteAllText(crate.File("Cargo.toml"), "[package]\nname = \"broken\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
        Directory.CreateDirectory(crate.File("src"));
        File.WriteAllText(crate.File("src/lib.rs"), "pub fn f() -> u32 { not_defined_anywhere }\n");
        var output = new List<string>();

        var error = Assert.Throws<SuiteException>(() => SuiteDiscovery.Discover(
            crate.Path, SuiteKind.Cargo, output.Add,
            new Dictionary<string, string?> { ["CARGO_TARGET_DIR"] = crate.File("target") }));

        Assert.Equal(101, error.ExitCode);
        Assert.Contains("not_defined_anywhere", error.Message, StringComparison.Ordinal);
        Assert.Contains(output, line => line.Contains("E0425", StringComparison.Ordinal));
    }
}
