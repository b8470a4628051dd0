using Harness.Core.Frameworks;
using Harness.Core.Frameworks.CTest;
using Harness.Core.Model;

namespace Harness.Core.Suites.Discovery;

/// <summary>
/// Finds the test binaries of a suite: a cargo package or workspace (built first), a CMake build directory
/// (listed by CTest) or one executable. Each comes with a stable id and what it needs to run as its build
/// system would run it; listing the tests inside each binary is the framework drivers' job.
/// </summary>
public static class SuiteDiscovery
{
    private const string CargoManifest = "Cargo.toml";
    private const string CTestFile = "CTestTestfile.cmake";

    /// <summary>Discovers the test binaries at <paramref name="path"/>.</summary>
    /// <param name="path">A cargo directory, a CMake build directory or an executable.</param>
    /// <param name="kind">What <paramref name="path"/> is; <see cref="SuiteKind.Auto"/> decides from what is there.</param>
    /// <param name="buildOutput">Receives the human-readable lines of cargo's build (progress and diagnostics)
    /// and of ctest's errors as they come, one call at a time.</param>
    /// <param name="environment">Variables set for the build and listing tools (e.g. CARGO_TARGET_DIR); a null
    /// value removes one. Not passed on to the tests.</param>
    /// <param name="cargoArguments">cargo's own options for a cargo suite (<see cref="SuiteSpec.CargoArguments"/>).</param>
    /// <exception cref="SuiteException">The path is missing or is not a suite of that kind, or a tool failed.</exception>
    public static IReadOnlyList<TestBinary> Discover(
        string path,
        SuiteKind kind = SuiteKind.Auto,
        Action<string>? buildOutput = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        IReadOnlyList<string>? cargoArguments = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (!Directory.Exists(full) && !File.Exists(full))
        {
            throw new SuiteException($"{full}: no such file or directory");
        }
        // Tools report on two threads (stdout, stderr); the caller sees one line at a time.
        var gate = new Lock();
        Action<string> output = buildOutput is null ? _ => { } : line =>
        {
            lock (gate)
            {
                buildOutput(line);
            }
        };

        var found = kind == SuiteKind.Auto ? Sniff(full) : Require(full, kind);
        if (cargoArguments is { Count: > 0 } && found != SuiteKind.Cargo)
        {
            throw new SuiteException($"{full}: cargo options ({string.Join(' ', cargoArguments)}) given for a {found} suite; they apply to cargo directories only");
        }
        var binaries = found switch
        {
            SuiteKind.Cargo => CargoDiscovery.Discover(full, environment, cargoArguments ?? [], output),
            SuiteKind.CMake => CTestDiscovery.Discover(full, environment, output),
            _ => [Single(full)],
        };
        return Deduplicate(binaries);
    }

    /// <summary>What the path holds, checked in the order a directory could hold several (a cargo
    /// package with a CMake build inside is still a cargo package).</summary>
    private static SuiteKind Sniff(string path)
    {
        if (Directory.Exists(path))
        {
            if (File.Exists(Path.Combine(path, CargoManifest)))
            {
                return SuiteKind.Cargo;
            }
            if (File.Exists(Path.Combine(path, CTestFile)))
            {
                return SuiteKind.CMake;
            }
            var hint = File.Exists(Path.Combine(path, "CMakeLists.txt"))
                ? " (a CMake source directory: configure and build it, then pass the build directory)"
                : "";
            throw new SuiteException($"{path}: not a suite: no {CargoManifest}, no {CTestFile} (CMake build directory){hint}");
        }
        return IsExecutable(path)
            ? SuiteKind.Binary
            : throw new SuiteException($"{path}: not a suite: a file that is not executable");
    }

    /// <summary>Checks that the path can be a suite of the kind the caller named.</summary>
    private static SuiteKind Require(string path, SuiteKind kind)
    {
        var problem = kind switch
        {
            SuiteKind.Cargo when !File.Exists(Path.Combine(path, CargoManifest)) => $"no {CargoManifest} in it",
            SuiteKind.CMake when !File.Exists(Path.Combine(path, CTestFile)) => $"no {CTestFile} in it (not a configured CMake build directory)",
            SuiteKind.Binary when Directory.Exists(path) => "a directory, not an executable",
            SuiteKind.Binary when !IsExecutable(path) => "not executable",
            SuiteKind.Auto or SuiteKind.Cargo or SuiteKind.CMake or SuiteKind.Binary => null,
            _ => $"unknown suite kind {kind}",
        };
        return problem is null ? kind : throw new SuiteException($"{path}: not a {kind} suite: {problem}");
    }

    private static TestBinary Single(string path)
    {
        if (ExecutableFile.Problem(path) is { } problem)
        {
            throw new SuiteException($"{path}: not a test binary: {problem}");
        }
        var directory = Path.GetDirectoryName(path)!;
        // A binary inside a CMake build directory belongs to its project, as when the build directory is given.
        var project = Ancestors(directory).Select(CTestDiscovery.ProjectName).FirstOrDefault(name => name is not null);
        return new TestBinary(
            path, IdPart(project ?? Path.GetFileName(directory)), IdPart(Path.GetFileName(path)), FrameworkDetection.Detect(path),
            directory, new Dictionary<string, string>(), [], null, []);
    }

    private static IEnumerable<string> Ancestors(string directory)
    {
        for (var current = directory; current is not null; current = Path.GetDirectoryName(current))
        {
            yield return current;
        }
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path)
        && (OperatingSystem.IsWindows()
            ? path.EndsWith(".exe", StringComparison.OrdinalIgnoreCase)
            : (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);

    /// <summary>
    /// Two binaries of a suite that map to one id (cargo targets <c>a.b</c> and <c>a_b</c>, a CTest entry named like a
    /// discovered binary) are told apart by a suffix in discovery order, which the build system keeps stable.
    /// </summary>
    private static List<TestBinary> Deduplicate(IReadOnlyList<TestBinary> binaries)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<TestBinary>(binaries.Count);
        var split = new HashSet<(string, string)>();
        foreach (var binary in binaries)
        {
            var id = binary.BinaryId;
            // Binaries split from one binary's gtest_discover_tests entries share its name: their tests differ.
            if (binary.Selected is not null && !split.Add((binary.Path, id)))
            {
                result.Add(binary);
                continue;
            }
            for (var n = 2; !seen.Add(id); n++)
            {
                id = $"{binary.BinaryId}_{n}";
            }
            result.Add(binary with { BinaryId = id });
        }
        return result;
    }

    /// <summary>A name made safe as one part of a dotted test name: a dot inside it would read as a separator.</summary>
    internal static string IdPart(string name) => name.Replace('.', '_');

    /// <summary>The last lines a failed tool printed, for the exception message.</summary>
    internal static string Tail(IReadOnlyList<string> lines)
    {
        const int Count = 20;
        List<string> tail;
        lock (lines)
        {
            tail = lines.Where(line => !string.IsNullOrWhiteSpace(line)).TakeLast(Count).ToList();
        }
        return tail.Count == 0 ? "" : ":\n" + string.Join('\n', tail);
    }
}
