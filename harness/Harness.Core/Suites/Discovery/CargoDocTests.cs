using Harness.Core.Model;

namespace Harness.Core.Suites.Discovery;

/// <summary>
/// A package's doctests as one more libtest "binary": cargo itself (<c>cargo test --doc --package NAME … --</c>), whose
/// rustdoc lists them with <c>--list</c> and runs one with <c>--exact NAME</c> as any libtest harness does, compiling the
/// example into a temporary program and judging it (<c>ignore</c>, <c>no_run</c>, <c>compile_fail</c>,
/// <c>should_panic</c>) as <c>cargo test</c> does. cargo sets the examples' environment itself.
/// </summary>
internal static class CargoDocTests
{
    /// <summary>Options that choose targets: with any of them (but <c>--doc</c>) cargo runs no doctests.</summary>
    private static readonly HashSet<string> TargetFlags = ["--lib", "--bins", "--tests", "--examples", "--benches", "--all-targets"];

    private static readonly HashSet<string> TargetOptions = ["--bin", "--test", "--example", "--bench"];

    /// <summary>Options that choose packages: a doc "binary" names its one package instead.</summary>
    private static readonly HashSet<string> PackageFlags = ["--workspace", "--all"];

    private static readonly HashSet<string> PackageOptions = ["--package", "-p", "--exclude"];

    public const string DocOnly = "--doc";

    /// <summary>The arguments of the build (<c>cargo test --no-run</c> refuses <c>--doc</c>: the libraries it needs are built with <c>--lib</c>).</summary>
    public static IReadOnlyList<string> BuildArguments(IReadOnlyList<string> cargoArguments) =>
        cargoArguments.Contains(DocOnly) ? [.. cargoArguments.Where(a => a != DocOnly), "--lib"] : cargoArguments;

    /// <summary>Whether cargo would run doctests with these options.</summary>
    public static bool Wanted(IReadOnlyList<string> cargoArguments) =>
        cargoArguments.Contains(DocOnly) || !cargoArguments.Any(a => TargetFlags.Contains(a) || TargetOptions.Contains(a));

    /// <summary>
    /// The doctests of <paramref name="package"/> (id <c>PACKAGE.doc</c>). <c>RUSTDOCFLAGS</c> gains <c>-C debuginfo=2</c> so
    /// that each example has line tables for coverage (rustdoc rebuilds every example on each run anyway).
    /// </summary>
    public static TestBinary Binary(
        CargoPackage package, string suite, string cargo, IReadOnlyList<string> cargoArguments, IReadOnlyDictionary<string, string?>? buildEnvironment)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in buildEnvironment ?? new Dictionary<string, string?>())
        {
            if (value is not null)
            {
                environment[name] = value;
            }
        }
        var flags = environment.GetValueOrDefault("RUSTDOCFLAGS") ?? Environment.GetEnvironmentVariable("RUSTDOCFLAGS");
        environment["RUSTDOCFLAGS"] = string.IsNullOrWhiteSpace(flags) ? "-C debuginfo=2" : $"{flags} -C debuginfo=2";
        return new TestBinary(
            cargo, suite, $"{package.Name}.doc", TestFramework.LibTest, package.Directory, environment,
            ["test", DocOnly, "--package", package.Environment["CARGO_PKG_NAME"], .. Build(cargoArguments), "--"], null, []);
    }

    /// <summary>The options that say how to build (features, profile, target, --offline…), without those that choose what.</summary>
    private static IEnumerable<string> Build(IReadOnlyList<string> cargoArguments)
    {
        for (var i = 0; i < cargoArguments.Count; i++)
        {
            var argument = cargoArguments[i];
            if (TargetOptions.Contains(argument) || PackageOptions.Contains(argument))
            {
                i++;
            }
            else if (!TargetFlags.Contains(argument) && !PackageFlags.Contains(argument) && argument != DocOnly)
            {
                yield return argument;
            }
        }
    }
}
