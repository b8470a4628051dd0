using System.Text;
using System.Text.Json;
using Harness.Core.Processes;

namespace Harness.Core.Suites.Discovery;

/// <summary>
/// What <c>cargo metadata --no-deps</c> says about a workspace: its root, its target directory and, per
/// package, the variables cargo sets for a test run. Read from cargo rather than from Cargo.toml so that
/// workspace inheritance, CARGO_TARGET_DIR and .cargo/config are resolved as cargo resolves them.
/// </summary>
internal sealed class CargoMetadata
{
    private readonly Dictionary<string, CargoPackage> _packages;

    private CargoMetadata(string workspaceRoot, string targetDirectory, Dictionary<string, CargoPackage> packages)
    {
        WorkspaceRoot = workspaceRoot;
        TargetDirectory = targetDirectory;
        _packages = packages;
    }

    public string TargetDirectory { get; }

    public static CargoMetadata Read(string directory, IReadOnlyDictionary<string, string?>? environment, Action<string> output)
    {
        var json = new StringBuilder();
        var errors = new List<string>();
        var exitCode = ToolProcess.Run(
            "cargo", ["metadata", "--format-version", "1", "--no-deps"], directory, environment,
            line => json.AppendLine(line),
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
            throw new SuiteException($"{directory}: cargo metadata failed with exit code {exitCode}{SuiteDiscovery.Tail(errors)}", exitCode);
        }
        try
        {
            using var document = JsonDocument.Parse(json.ToString());
            var root = document.RootElement;
            var packages = root.GetProperty("packages").EnumerateArray()
                .Select(CargoPackage.Parse)
                .ToDictionary(p => p.ManifestPath, StringComparer.Ordinal);
            return new CargoMetadata(root.GetProperty("workspace_root").GetString()!, root.GetProperty("target_directory").GetString()!, packages);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            throw new SuiteException($"{directory}: cargo metadata printed output this reader does not understand ({e.Message})", e);
        }
    }

    /// <summary>The directory of the workspace's root manifest (the package's own directory outside a workspace).</summary>
    public string WorkspaceRoot { get; }

    public CargoPackage Package(string manifestPath) =>
        _packages.TryGetValue(manifestPath, out var package)
            ? package
            : throw new SuiteException($"{manifestPath}: cargo built a test binary of a package cargo metadata did not list");
}

/// <summary>One package of the workspace: its name, its directory and the CARGO_PKG_* variables of a test run.</summary>
internal sealed record CargoPackage(string Name, string ManifestPath, string Directory, IReadOnlyDictionary<string, string> Environment)
{
    public static CargoPackage Parse(JsonElement package)
    {
        var name = package.GetProperty("name").GetString()!;
        var manifestPath = package.GetProperty("manifest_path").GetString()!;
        var directory = Path.GetDirectoryName(manifestPath)!;
        var version = package.GetProperty("version").GetString()!;

        // Semver "MAJOR.MINOR.PATCH[-PRE][+BUILD]", split as cargo splits it for CARGO_PKG_VERSION_*.
        var core = version.Split('+')[0];
        var dash = core.IndexOf('-', StringComparison.Ordinal);
        var numbers = (dash >= 0 ? core[..dash] : core).Split('.');
        string Number(int i) => i < numbers.Length ? numbers[i] : "";

        // Cargo sets these for every package, empty when the manifest leaves the field out.
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CARGO_MANIFEST_DIR"] = directory,
            ["CARGO_MANIFEST_PATH"] = manifestPath,
            ["CARGO_PKG_NAME"] = name,
            ["CARGO_PKG_VERSION"] = version,
            ["CARGO_PKG_VERSION_MAJOR"] = Number(0),
            ["CARGO_PKG_VERSION_MINOR"] = Number(1),
            ["CARGO_PKG_VERSION_PATCH"] = Number(2),
            ["CARGO_PKG_VERSION_PRE"] = dash >= 0 ? core[(dash + 1)..] : "",
            ["CARGO_PKG_AUTHORS"] = string.Join(':', Strings(package, "authors")),
            ["CARGO_PKG_DESCRIPTION"] = Text(package, "description"),
            ["CARGO_PKG_HOMEPAGE"] = Text(package, "homepage"),
            ["CARGO_PKG_REPOSITORY"] = Text(package, "repository"),
            ["CARGO_PKG_LICENSE"] = Text(package, "license"),
            ["CARGO_PKG_LICENSE_FILE"] = Text(package, "license_file"),
            ["CARGO_PKG_RUST_VERSION"] = Text(package, "rust_version"),
            ["CARGO_PKG_README"] = Text(package, "readme"),
        };
        return new CargoPackage(SuiteDiscovery.IdPart(name), manifestPath, directory, environment);
    }

    private static string Text(JsonElement package, string property) =>
        package.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static IEnumerable<string> Strings(JsonElement package, string property) =>
        package.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(item => item.GetString() ?? "")
            : [];
}
