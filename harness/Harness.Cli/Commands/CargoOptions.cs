using System.CommandLine;

namespace Harness.Cli.Commands;

/// <summary>
/// <c>cargo test</c>'s own selection and build options on <c>harness test</c> and <c>harness list</c>, passed to cargo as
/// they were given (each value one argument, never a shell string). Two of cargo's names are harness's already and take
/// another here: <c>--exclude-package</c> (cargo's <c>--exclude</c>; harness's <c>--exclude</c> leaves source files out of
/// coverage) and <c>--cargo-profile</c> (cargo's <c>--profile</c>; harness's samples call stacks).
/// </summary>
internal sealed class CargoOptions
{
    private readonly Option<string[]> _packages = new("--package", "-p") { Description = "Cargo: test this package (repeatable)." };
    private readonly Option<bool> _workspace = new("--workspace") { Description = "Cargo: test every member of the workspace (a root package with members tests only itself without it)." };
    private readonly Option<string[]> _excluded = new("--exclude-package") { Description = "Cargo: with --workspace, leave this package out (cargo's --exclude; repeatable)." };
    private readonly Option<string[]> _features = new("--features", "-F") { Description = "Cargo: features to enable (repeatable; comma- or space-separated)." };
    private readonly Option<bool> _allFeatures = new("--all-features") { Description = "Cargo: enable every feature." };
    private readonly Option<bool> _noDefaultFeatures = new("--no-default-features") { Description = "Cargo: leave the default features off." };
    private readonly Option<bool> _release = new("--release") { Description = "Cargo: build with the release profile." };
    private readonly Option<string?> _profile = new("--cargo-profile") { Description = "Cargo: build with this profile (cargo's --profile)." };
    private readonly Option<string?> _target = new("--target") { Description = "Cargo: build for this target triple." };
    private readonly Option<bool> _lib = new("--lib") { Description = "Cargo: test only the library's unit tests." };
    private readonly Option<bool> _bins = new("--bins") { Description = "Cargo: test the binaries' unit tests." };
    private readonly Option<string[]> _testTargets = new("--test") { Description = "Cargo: test this integration test target (repeatable)." };
    private readonly Option<bool> _doc = new("--doc") { Description = "Cargo: test only the libraries' doctests." };
    private readonly Option<bool> _tests = new("--tests") { Description = "Cargo: test every target with test = true." };
    private readonly Option<string[]> _extra = new("--cargo-arg") { Description = "Pass this argument to cargo as it is (repeatable; e.g. --cargo-arg=--offline)." };

    /// <summary>The options, to add to a command.</summary>
    public IEnumerable<Option> All =>
        [_packages, _workspace, _excluded, _features, _allFeatures, _noDefaultFeatures, _release, _profile, _target, _lib, _bins, _testTargets, _tests, _doc, _extra];

    /// <summary>cargo's arguments for what was given, in cargo's own spelling.</summary>
    public IReadOnlyList<string> Arguments(ParseResult result)
    {
        var arguments = new List<string>();
        void Values(Option<string[]> option, string flag)
        {
            foreach (var value in result.GetValue(option) ?? [])
            {
                arguments.AddRange([flag, value]);
            }
        }
        void Value(Option<string?> option, string flag)
        {
            if (result.GetValue(option) is { } value)
            {
                arguments.AddRange([flag, value]);
            }
        }
        void Flag(Option<bool> option, string flag)
        {
            if (result.GetValue(option))
            {
                arguments.Add(flag);
            }
        }
        Values(_packages, "--package");
        Flag(_workspace, "--workspace");
        Values(_excluded, "--exclude");
        Values(_features, "--features");
        Flag(_allFeatures, "--all-features");
        Flag(_noDefaultFeatures, "--no-default-features");
        Flag(_release, "--release");
        Value(_profile, "--profile");
        Value(_target, "--target");
        Flag(_lib, "--lib");
        Flag(_bins, "--bins");
        Values(_testTargets, "--test");
        Flag(_tests, "--tests");
        Flag(_doc, "--doc");
        arguments.AddRange(result.GetValue(_extra) ?? []);
        return arguments;
    }
}
