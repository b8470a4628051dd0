using System.Text.Json;
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

    public static IReadOnlyList<TestBinary> Discover(string directory, IReadOnlyDictionary<string, string?>? environment, Action<string> output)
    {
        var metadata = CargoMetadata.Read(directory, environment, output);
        var manifest = Path.Combine(directory, "Cargo.toml");
        string[] arguments = ["test", "--no-run", "--message-format=json",
            .. metadata.IsWorkspaceRoot(manifest) ? ["--workspace"] : Array.Empty<string>()];

        var artifacts = new List<Artifact>();
        var errors = new List<string>();
        // One error in a library is rendered by each compilation of it (lib, lib test, …): shown once.
        var shown = new HashSet<string>(StringComparer.Ordinal);
        var exitCode = ToolProcess.Run(
            "cargo", arguments, directory, environment,
            line => ReadMessage(line, artifacts, errors, shown, output),
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

        var suite = SuiteDiscovery.IdPart(Path.GetFileName(directory));
        var cargo = ToolProcess.Resolve("cargo");
        return artifacts
            .Where(a => a.IsTest)
            .Select(a => Binary(a, suite, metadata, artifacts, cargo))
            // Cargo reports artifacts as parallel compilations finish: sorted, two discoveries agree.
            .OrderBy(b => b.BinaryId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Takes one line of cargo's JSON messages: artifacts are kept, compiler diagnostics shown as cargo would.</summary>
    private static void ReadMessage(string line, List<Artifact> artifacts, List<string> errors, HashSet<string> shown, Action<string> output)
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
                        root.GetProperty("profile").GetProperty("test").GetBoolean()));
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

    private static TestBinary Binary(Artifact artifact, string suite, CargoMetadata metadata, List<Artifact> artifacts, string cargo)
    {
        var package = metadata.Package(artifact.ManifestPath);
        var kind = LibraryKinds.Contains(artifact.Kind) ? "lib" : artifact.Kind;
        var id = kind == "lib"
            ? $"{package.Name}.lib"
            : $"{package.Name}.{kind}.{SuiteDiscovery.IdPart(artifact.Target)}";

        var variables = new Dictionary<string, string>(package.Environment, StringComparer.Ordinal)
        {
            ["CARGO"] = cargo,
            ["CARGO_CRATE_NAME"] = artifact.Target.Replace('-', '_'),
        };
        if (kind == "bin")
        {
            variables["CARGO_BIN_NAME"] = artifact.Target;
        }
        // The package's own programs, which `cargo test` builds so that tests can run them.
        foreach (var bin in artifacts.Where(a => !a.IsTest && a.Kind == "bin" && a.ManifestPath == artifact.ManifestPath))
        {
            variables[$"CARGO_BIN_EXE_{bin.Target}"] = bin.Executable;
        }
        if (kind is "test" or "bench")
        {
            variables["CARGO_TARGET_TMPDIR"] = Path.Combine(metadata.TargetDirectory, "tmp");
        }

        return new TestBinary(
            artifact.Executable, suite, id, TestFramework.LibTest, package.Directory, variables, [], null, []);
    }

    /// <summary>An executable cargo built: a libtest harness (<see cref="IsTest"/>) or one of the package's programs.</summary>
    private sealed record Artifact(string ManifestPath, string Kind, string Target, string Executable, bool IsTest);
}
