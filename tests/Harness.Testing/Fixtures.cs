using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Harness.Testing;

/// <summary>How a C/C++ fixture is compiled: the flavours the source-map tests need.</summary>
public enum CFlavour
{
    /// <summary>gcc <c>-g -O0</c>: DWARF 5, gcc 12's default.</summary>
    O0,

    /// <summary>gcc <c>-g -O2</c>: inlining, discriminators, split functions.</summary>
    O2,

    /// <summary>gcc <c>-g -O0 -gdwarf-4</c>.</summary>
    Dwarf4,

    /// <summary>gcc <c>-g -O0 -gz=zlib</c>: SHF_COMPRESSED debug sections.</summary>
    Zlib,
}

/// <summary>How the Rust fixture is compiled.</summary>
public enum RustFlavour
{
    /// <summary>rustc's default: DWARF 4.</summary>
    Default,

    /// <summary><c>-C dwarf-version=5</c>: v5 units of the crate beside prebuilt std's v4 units.</summary>
    Dwarf5,
}

/// <summary>
/// Builds the native fixtures under <c>fixtures/</c> for tests, once per test run: a build is cached in
/// <see cref="Repository.FixtureCache"/> under a stamp of its sources and flags, and rebuilt when they change.
/// Safe across the parallel test processes of one run (a file lock per build folder).
/// </summary>
public static class Fixtures
{
    private static readonly ConcurrentDictionary<string, Lazy<object>> Builds = new();

    public static CMakeBuild CMake(string fixture, CFlavour flavour) =>
        (CMakeBuild)Builds.GetOrAdd($"{fixture}-{flavour}", key => new Lazy<object>(() => BuildCMake(fixture, flavour, key))).Value;

    public static RustBuild Rust(RustFlavour flavour) =>
        (RustBuild)Builds.GetOrAdd($"rust-{flavour}", key => new Lazy<object>(() => BuildRust(flavour, key))).Value;

    public static string CFlags(CFlavour flavour) => flavour switch
    {
        CFlavour.O0 => "-g -O0",
        CFlavour.O2 => "-g -O2",
        CFlavour.Dwarf4 => "-g -O0 -gdwarf-4",
        CFlavour.Zlib => "-g -O0 -gz=zlib",
        _ => throw new ArgumentOutOfRangeException(nameof(flavour)),
    };

    private static CMakeBuild BuildCMake(string fixture, CFlavour flavour, string key)
    {
        var source = Path.Combine(Repository.FixturesDirectory, fixture);
        var output = Path.Combine(Repository.FixtureCache, key);
        var flags = CFlags(flavour);
        var linkFlags = flavour == CFlavour.Zlib ? "-gz=zlib" : "";
        WithStamp(output, Stamp(source, flags), () =>
        {
            ProcessRunner.Run("cmake",
            [
                "-S", source, "-B", output, "-DCMAKE_BUILD_TYPE=",
                $"-DCMAKE_C_FLAGS={flags}", $"-DCMAKE_CXX_FLAGS={flags}",
                $"-DCMAKE_EXE_LINKER_FLAGS={linkFlags}", $"-DCMAKE_SHARED_LINKER_FLAGS={linkFlags}",
            ]).EnsureSuccess($"configuring fixtures/{fixture} ({flavour})");
            ProcessRunner.Run("cmake", ["--build", output, "-j", Environment.ProcessorCount.ToString()])
                .EnsureSuccess($"building fixtures/{fixture} ({flavour})");
        });
        return new CMakeBuild(fixture, flavour, source, output);
    }

    private static RustBuild BuildRust(RustFlavour flavour, string key)
    {
        var source = Path.Combine(Repository.FixturesDirectory, "rust");
        var output = Path.Combine(Repository.FixtureCache, key);
        var rustFlags = flavour == RustFlavour.Dwarf5 ? "-C dwarf-version=5" : "";
        var artifactsFile = Path.Combine(output, "artifacts.json");
        WithStamp(output, Stamp(source, rustFlags), () =>
        {
            var environment = new Dictionary<string, string?> { ["CARGO_TARGET_DIR"] = output, ["RUSTFLAGS"] = rustFlags };
            var artifacts = new List<RustArtifact>();
            string[][] commands = [["build", "--workspace", "--all-targets"], ["test", "--workspace", "--no-run"]];
            foreach (var command in commands)
            {
                var result = ProcessRunner.Run("cargo", [.. command, "--offline", "--message-format=json"], source, environment)
                    .EnsureSuccess($"cargo {command[0]} of fixtures/rust ({flavour})");
                artifacts.AddRange(RustArtifact.Parse(result.StandardOutput));
            }
            File.WriteAllText(artifactsFile, JsonSerializer.Serialize(artifacts.Distinct().ToList()));
        });
        var list = JsonSerializer.Deserialize<List<RustArtifact>>(File.ReadAllText(artifactsFile))!;
        return new RustBuild(flavour, source, output, list);
    }

    /// <summary>Runs <paramref name="build"/> unless the folder's stamp says these sources were already built.</summary>
    private static void WithStamp(string output, string stamp, Action build)
    {
        Directory.CreateDirectory(output);
        using var _ = FileLock.Acquire(output + ".lock", TimeSpan.FromMinutes(20));
        var stampFile = Path.Combine(output, ".harness-stamp");
        if (File.Exists(stampFile) && File.ReadAllText(stampFile) == stamp)
        {
            return;
        }
        File.Delete(stampFile);
        build();
        File.WriteAllText(stampFile, stamp);
    }

    /// <summary>A hash of every source file of a fixture (paths and contents) and the flags it is built with.</summary>
    private static string Stamp(string source, string flags)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(flags + "\n"));
        var files = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(source, f).Split('/').Any(part => part is "target" || part.StartsWith("build", StringComparison.Ordinal) || part.StartsWith('.')))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(source, file) + "\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}

/// <summary>A CMake fixture built in one flavour.</summary>
public sealed record CMakeBuild(string Fixture, CFlavour Flavour, string SourceDirectory, string BuildDirectory)
{
    /// <summary>The path of a built executable or library, found by file name anywhere in the build tree.</summary>
    public string Output(string fileName) =>
        Directory.EnumerateFiles(BuildDirectory, fileName, SearchOption.AllDirectories)
            .FirstOrDefault(f => !f.Contains("/CMakeFiles/", StringComparison.Ordinal))
        ?? throw new FileNotFoundException($"{fileName} not found in the build of fixtures/{Fixture} ({Flavour})", fileName);
}

/// <summary>One thing cargo built: package, target kind (lib, bin, test, cdylib…), target name, file, test harness or not.</summary>
public sealed record RustArtifact(string Package, string Kind, string Target, string Path, bool IsTest)
{
    internal static IEnumerable<RustArtifact> Parse(string messages)
    {
        foreach (var line in messages.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.GetProperty("reason").GetString() != "compiler-artifact")
            {
                continue;
            }
            var target = root.GetProperty("target");
            var package = root.GetProperty("package_id").GetString()!;
            var name = target.GetProperty("name").GetString()!;
            var kind = target.GetProperty("kind")[0].GetString()!;
            var isTest = root.GetProperty("profile").GetProperty("test").GetBoolean();
            var packageName = PackageName(package, root);
            if (root.TryGetProperty("executable", out var executable) && executable.ValueKind == JsonValueKind.String)
            {
                yield return new RustArtifact(packageName, kind, name, executable.GetString()!, isTest);
            }
            else if (!isTest)
            {
                foreach (var file in root.GetProperty("filenames").EnumerateArray())
                {
                    var path = file.GetString()!;
                    if (path.EndsWith(".so", StringComparison.Ordinal))
                    {
                        yield return new RustArtifact(packageName, "cdylib", name, path, false);
                    }
                }
            }
        }
    }

    // package_id is "path+file:///…/calc#0.1.0" (or "name 0.1.0 (…)" from older cargo); manifest_path is steadier.
    private static string PackageName(string packageId, JsonElement root)
    {
        if (root.TryGetProperty("manifest_path", out var manifest))
        {
            var directory = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(manifest.GetString()!)!);
            var hash = packageId.LastIndexOf('#');
            var at = packageId.LastIndexOf('@');
            if (hash >= 0 && at > hash)
            {
                return packageId[(hash + 1)..at];
            }
            return directory;
        }
        return packageId.Split(' ')[0];
    }
}

/// <summary>The Rust fixture workspace built in one flavour.</summary>
public sealed record RustBuild(RustFlavour Flavour, string SourceDirectory, string TargetDirectory, IReadOnlyList<RustArtifact> Artifacts)
{
    /// <summary>The unit-test binary of a package's library (libtest harness over src/lib.rs).</summary>
    public string UnitTestBinary(string package) =>
        Find(a => a.IsTest && a.Kind is "lib" or "cdylib" or "rlib" && a.Package == package, $"unit-test binary of {package}");

    /// <summary>An integration-test binary (tests/NAME.rs).</summary>
    public string IntegrationTestBinary(string name) => Find(a => a.IsTest && a.Kind == "test" && a.Target == name, $"integration test {name}");

    /// <summary>A binary target (not its test harness).</summary>
    public string Binary(string name) => Find(a => !a.IsTest && a.Kind == "bin" && a.Target == name, $"binary {name}");

    /// <summary>A cdylib's shared object (not the libtest executable cargo also builds from the same target).</summary>
    public string SharedLibrary(string target) =>
        Find(a => a.Kind == "cdylib" && !a.IsTest && a.Target == target && a.Path.EndsWith(".so", StringComparison.Ordinal), $"cdylib {target}");

    private string Find(Func<RustArtifact, bool> match, string what) =>
        Artifacts.FirstOrDefault(match)?.Path ?? throw new FileNotFoundException($"{what} not among the artifacts of fixtures/rust ({Flavour})");
}
