using System.Text.Json;
using Harness.Core.Frameworks;
using Harness.Core.Frameworks.LibTest;
using Harness.Core.Model;
using Harness.Core.Processes;

namespace Harness.Core.Suites.Discovery;

/// <summary>
/// A cargo package's or workspace's test binaries: <c>cargo metadata</c> for the packages and the target
/// directory, then <c>cargo test --no-run --message-format=json</c> for the executables, each given the
/// identity and the environment cargo itself would run it with.
/// </summary>
internal static class CargoDiscovery
{
    // Kinds of a library target: all of them build one `<package>.lib` unit-test binary.
    private static readonly HashSet<string> LibraryKinds = ["lib", "rlib", "dylib", "cdylib", "staticlib", "proc-macro"];

    public static IReadOnlyList<TestBinary> Discover(
        string directory, IReadOnlyDictionary<string, string?>? environment, IReadOnlyList<string> cargoArguments, Action<string> output)
    {
        var metadata = CargoMetadata.Read(directory, environment, output);
        // Cargo chooses the packages as `cargo test` in that directory would: a virtual workspace's members, else the
        // package itself (a root package's members only with --workspace).
        string[] arguments = ["test", "--no-run", "--message-format=json", .. CargoDocTests.BuildArguments(cargoArguments)];

        var artifacts = new List<Artifact>();
        var nativeDirectories = new List<string>();
        var errors = new List<string>();
        // One error in a library is rendered by each compilation of it (lib, lib test, …): shown once.
        var shown = new HashSet<string>(StringComparer.Ordinal);
        var exitCode = ToolProcess.Run(
            "cargo", arguments, directory, environment,
            line => ReadMessage(line, artifacts, nativeDirectories, errors, shown, output),
            line =>
            {
                lock (errors)
                {
                    errors.Add(line);
                }
                output(line);
            },
            directory);
        if (exitCode != 0)
        {
            throw new SuiteException(
                $"{directory}: cargo {string.Join(' ', arguments)} failed with exit code {exitCode}{SuiteDiscovery.Tail(errors)}", exitCode);
        }

        // Named after the workspace, so the root's directory and a member's give its tests the same names.
        var suite = SuiteDiscovery.IdPart(Path.GetFileName(metadata.WorkspaceRoot));
        var toolchain = RustToolchain.Read(directory, environment, output);
        // Cargo keeps only the build scripts' library directories inside the target directory on the library path.
        var native = nativeDirectories.Where(d => d.StartsWith(metadata.TargetDirectory + "/", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        var cargo = toolchain.Cargo ?? ToolProcess.Resolve("cargo");
        var docOnly = cargoArguments.Contains(CargoDocTests.DocOnly);
        var tests = artifacts.Where(a => a.IsTest).ToList();
        var docTests = CargoDocTests.Wanted(cargoArguments)
            ? tests.Where(a => a.IsDocTestable).Select(a => CargoDocTests.Binary(metadata.Package(a.ManifestPath), suite, cargo, cargoArguments, environment))
            : [];
        return tests
            .Where(_ => !docOnly)
            .Select(a => Binary(a, suite, metadata, artifacts, toolchain, native, cargo))
            .Concat(docTests)
            // Cargo reports artifacts as parallel compilations finish: sorted, two discoveries agree.
            .OrderBy(b => b.BinaryId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Takes one line of cargo's JSON messages: artifacts are kept, compiler diagnostics shown as cargo would.</summary>
    private static void ReadMessage(
        string line, List<Artifact> artifacts, List<string> nativeDirectories, List<string> errors, HashSet<string> shown, Action<string> output)
    {
        if (!line.StartsWith('{'))
        {
            output(line);
            return;
        }
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            switch (root.GetProperty("reason").GetString())
            {
                case "compiler-artifact" when root.TryGetProperty("executable", out var executable) && executable.ValueKind == JsonValueKind.String:
                    var target = root.GetProperty("target");
                    artifacts.Add(new Artifact(
                        root.GetProperty("manifest_path").GetString()!,
                        target.GetProperty("kind")[0].GetString()!,
                        target.GetProperty("name").GetString()!,
                        executable.GetString()!,
                        root.GetProperty("profile").GetProperty("test").GetBoolean(),
                        // Cargo's Target::doctestable: a library target built as rlib (lib) or proc-macro, doctest not turned off.
                        target.GetProperty("doctest").GetBoolean()
                            && target.GetProperty("crate_types").EnumerateArray().Any(t => t.GetString() is "lib" or "rlib" or "proc-macro")));
                    break;
                case "build-script-executed" when root.TryGetProperty("linked_paths", out var linked):
                    // `cargo:rustc-link-search=[KIND=]PATH` lines of build scripts.
                    nativeDirectories.AddRange(linked.EnumerateArray()
                        .Select(p => p.GetString()!)
                        .Select(p => p.IndexOf('=', StringComparison.Ordinal) is var equals and >= 0 && !p.StartsWith('/') ? p[(equals + 1)..] : p));
                    break;
                case "compiler-message" when root.GetProperty("message").TryGetProperty("rendered", out var rendered) && rendered.GetString() is { } text:
                    var trimmed = text.TrimEnd();
                    lock (shown)
                    {
                        if (!shown.Add(trimmed))
                        {
                            break;
                        }
                    }
                    if (root.GetProperty("message").GetProperty("level").GetString() == "error")
                    {
                        lock (errors)
                        {
                            errors.Add(trimmed);
                        }
                    }
                    output(trimmed);
                    break;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException)
        {
            // A message this version of the reader does not know: cargo's format grows, the build goes on.
            output(line);
        }
    }

    private static TestBinary Binary(
        Artifact artifact, string suite, CargoMetadata metadata, List<Artifact> artifacts, RustToolchain toolchain, IReadOnlyList<string> nativeDirectories,
        string cargo)
    {
        var package = metadata.Package(artifact.ManifestPath);
        var kind = LibraryKinds.Contains(artifact.Kind) ? "lib" : artifact.Kind;
        var id = kind == "lib"
            ? $"{package.Name}.lib"
            : $"{package.Name}.{kind}.{SuiteDiscovery.IdPart(artifact.Target)}";

        // target/[TRIPLE/]PROFILE/deps/NAME-HASH
        var profileDirectory = Path.GetDirectoryName(Path.GetDirectoryName(artifact.Executable)!)!;
        // What `cargo test` sets when it runs a test binary (CARGO_CRATE_NAME, CARGO_BIN_NAME and CARGO_TARGET_TMPDIR
        // are compile-time only: `env!`, never `std::env::var`).
        var variables = new Dictionary<string, string>(package.Environment, StringComparer.Ordinal)
        {
            ["CARGO"] = cargo,
            ["LD_LIBRARY_PATH"] = toolchain.LibraryPath(nativeDirectories, profileDirectory, TargetTriple(profileDirectory, metadata, toolchain)),
        };
        foreach (var (name, value) in toolchain.RustupVariables())
        {
            variables[name] = value;
        }
        // The package's own programs, which `cargo test` builds so that tests can run them.
        foreach (var bin in artifacts.Where(a => !a.IsTest && a.Kind == "bin" && a.ManifestPath == artifact.ManifestPath))
        {
            variables[$"CARGO_BIN_EXE_{bin.Target}"] = bin.Executable;
        }

        // A `harness = false` target is a program of its own that cargo runs once with no arguments: one plain test.
        // Neither cargo metadata nor the build's messages say which targets those are, the binary does (no libtest in it).
        var framework = FrameworkDetection.Detect(artifact.Executable) == TestFramework.LibTest ? TestFramework.LibTest : TestFramework.Plain;
        return new TestBinary(artifact.Executable, suite, id, framework, package.Directory, variables, [], null, [])
        {
            DeclaredAt = framework == TestFramework.Plain ? RustTestLocations.Find(artifact.Executable, ["main"]).GetValueOrDefault("main") : null,
        };
    }

    /// <summary>The triple a binary was built for: <c>target/TRIPLE/PROFILE</c> under <c>--target</c>, else the host's.</summary>
    private static string TargetTriple(string profileDirectory, CargoMetadata metadata, RustToolchain toolchain) =>
        Path.GetDirectoryName(profileDirectory) is { } parent && parent != metadata.TargetDirectory ? Path.GetFileName(parent) : toolchain.Host;

    /// <summary>An executable cargo built: a test harness (<see cref="IsTest"/>) or one of the package's programs.</summary>
    private sealed record Artifact(string ManifestPath, string Kind, string Target, string Executable, bool IsTest, bool IsDocTestable);
}
