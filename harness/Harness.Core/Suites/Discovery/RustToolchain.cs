using Harness.Core.Processes;

namespace Harness.Core.Suites.Discovery;

/// <summary>
/// The Rust toolchain cargo builds a directory with (<c>rustc --print sysroot --print host-tuple</c>, run where cargo
/// runs it, so <c>rust-toolchain.toml</c> and <c>RUSTUP_TOOLCHAIN</c> choose it as they choose cargo's): what a test
/// process needs from it to run as under <c>cargo test</c> — the sysroot's libraries for binaries linked against
/// <c>libstd-*.so</c> (<c>-C prefer-dynamic</c>, a <c>dylib</c> crate) and the variables rustup's proxy sets.
/// </summary>
internal sealed record RustToolchain(string Sysroot, string Host)
{
    public static RustToolchain Read(string directory, IReadOnlyDictionary<string, string?>? environment, Action<string> output)
    {
        var rustc = environment?.GetValueOrDefault("RUSTC") ?? Environment.GetEnvironmentVariable("RUSTC") ?? "rustc";
        var lines = new List<string>();
        var errors = new List<string>();
        var exitCode = ToolProcess.Run(
            rustc, ["--print", "sysroot", "--print", "host-tuple"], directory, environment,
            line => lines.Add(line),
            line =>
            {
                lock (errors)
                {
                    errors.Add(line);
                }
                output(line);
            },
            directory);
        return exitCode == 0 && lines.Count >= 2
            ? new RustToolchain(lines[0].Trim(), lines[1].Trim())
            : throw new SuiteException($"{directory}: {rustc} --print sysroot --print host-tuple failed with exit code {exitCode}{SuiteDiscovery.Tail(errors)}", exitCode);
    }

    /// <summary>The toolchain's own cargo (what cargo puts in <c>CARGO</c>), not the rustup proxy on PATH.</summary>
    public string? Cargo => File.Exists(Path.Combine(Sysroot, "bin", "cargo")) ? Path.Combine(Sysroot, "bin", "cargo") : null;

    /// <summary>
    /// The directories cargo puts first in a test's library path (its <c>Compilation::fill_env</c>): build scripts'
    /// native directories inside the target directory, the profile's output and <c>deps</c> directories, the
    /// sysroot's libraries for <paramref name="target"/>; then rustup's toolchain <c>lib</c> (rustup's proxy prepends it
    /// to cargo's own environment) and the path harness itself was given.
    /// </summary>
    public string LibraryPath(IEnumerable<string> nativeDirectories, string profileDirectory, string target)
    {
        List<string> path =
        [
            .. nativeDirectories,
            profileDirectory,
            Path.Combine(profileDirectory, "deps"),
            Path.Combine(Sysroot, "lib", "rustlib", target, "lib"),
        ];
        if (RustupHome is not null)
        {
            path.Add(Path.Combine(Sysroot, "lib"));
        }
        if (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") is { Length: > 0 } inherited)
        {
            path.AddRange(inherited.Split(Path.PathSeparator));
        }
        return string.Join(Path.PathSeparator, path.Distinct(StringComparer.Ordinal));
    }

    /// <summary>
    /// What rustup's proxy adds to the environment of the cargo it runs, and so to every test cargo runs: present when
    /// the sysroot is a rustup toolchain (<c>RUSTUP_HOME/toolchains/NAME</c>), else nothing.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> RustupVariables()
    {
        if (RustupHome is not { } home)
        {
            yield break;
        }
        yield return new("RUSTUP_HOME", home);
        yield return new("RUSTUP_TOOLCHAIN", Path.GetFileName(Sysroot));
        var cargoHome = Environment.GetEnvironmentVariable("CARGO_HOME") is { Length: > 0 } given
            ? given
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cargo");
        yield return new("CARGO_HOME", cargoHome);
    }

    private string? RustupHome =>
        Path.GetDirectoryName(Sysroot) is { } toolchains && Path.GetFileName(toolchains) == "toolchains"
            ? Path.GetDirectoryName(toolchains)
            : null;
}
