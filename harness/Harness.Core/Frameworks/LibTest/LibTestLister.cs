using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Processes;

namespace Harness.Core.Frameworks.LibTest;

/// <summary>
/// Lists a Rust libtest binary with <c>--list --format terse</c> (every test, ignored ones included) and
/// <c>--list --format terse --ignored</c> (only the <c>#[ignore]</c>d ones); benchmarks are left out.
/// </summary>
/// <remarks>
/// Names: FrameworkName = DisplayName = libtest's name (<c>tests::nested::case</c>, what <c>--exact</c> takes);
/// path = that name with <c>::</c> replaced by <c>.</c> (Rust paths hold no dots, so this is one-to-one).
/// Traits: <c>Module</c> (the name before its last <c>::</c>, absent for a test at the crate root) and
/// <c>Ignored</c>. Source locations come from DWARF (<see cref="RustTestLocations"/>); stable libtest
/// cannot print them.
/// </remarks>
public sealed class LibTestLister : ITestLister
{
    public IReadOnlyList<TestCase> List(TestBinary binary)
    {
        var all = Parse(binary, ListingProcess.RunExpectingSuccess(binary, ["--list", "--format", "terse"], "--list"));
        var ignored = Parse(binary, ListingProcess.RunExpectingSuccess(binary, ["--list", "--format", "terse", "--ignored"], "--list --ignored"))
            .ToHashSet(StringComparer.Ordinal);
        var locations = RustTestLocations.Find(binary.Path, all);

        var tests = all.Select(name =>
        {
            var isIgnored = ignored.Contains(name);
            var traits = new List<TestTrait>();
            var lastSeparator = name.LastIndexOf("::", StringComparison.Ordinal);
            if (lastSeparator > 0)
            {
                traits.Add(new TestTrait("Module", name[..lastSeparator]));
            }
            if (isIgnored)
            {
                traits.Add(new TestTrait("Ignored", "true"));
            }
            var location = locations.GetValueOrDefault(name);
            return new TestCase(
                TestNames.FullyQualified(binary, name.Replace("::", ".", StringComparison.Ordinal)),
                DisplayName: name,
                FrameworkName: name,
                binary,
                location?.File,
                location?.Line,
                traits,
                isIgnored);
        }).ToList();
        TestNames.RequireUnique(binary, tests);
        return tests;
    }

    /// <summary>Test names from terse lines <c>NAME: test</c>; <c>NAME: bench</c> lines are skipped.</summary>
    internal static List<string> Parse(TestBinary binary, ListingOutput output)
    {
        var names = new List<string>();
        foreach (var rawLine in output.StandardOutput.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }
            var colon = line.LastIndexOf(": ", StringComparison.Ordinal);
            var kind = colon > 0 ? line[(colon + 2)..] : null;
            switch (kind)
            {
                case "test":
                    names.Add(line[..colon]);
                    break;
                case "bench":
                    break;
                default:
                    throw new TestListingException(binary, $"unexpected line in the libtest listing: '{line}'", output.ExitCode, output.StandardError);
            }
        }
        return names;
    }
}
