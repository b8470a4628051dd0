using System.Globalization;
using System.Text.RegularExpressions;
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
/// cannot print them. Doctests (rustdoc's harness, <c>src/lib.rs - Calc::add (line 12)</c>: a name no Rust path can
/// have) are named <c>src_lib_rs.Calc.add_line_12</c> and located at their example's line.
/// </remarks>
public sealed partial class LibTestLister : ITestLister
{
    public IReadOnlyList<TestCase> List(TestBinary binary)
    {
        var all = Parse(binary, ListingProcess.RunExpectingSuccess(binary, ["--list", "--format", "terse"], "--list"));
        var ignored = Parse(binary, ListingProcess.RunExpectingSuccess(binary, ["--list", "--format", "terse", "--ignored"], "--list --ignored"))
            .ToHashSet(StringComparer.Ordinal);
        var locations = RustTestLocations.Find(binary.Path, [.. all.Where(name => !DocTest().IsMatch(name))]);

        var tests = all.Select(name =>
        {
            var isIgnored = ignored.Contains(name);
            var traits = new List<TestTrait>();
            var lastSeparator = name.LastIndexOf("::", StringComparison.Ordinal);
            if (lastSeparator > 0 && !DocTest().IsMatch(name))
            {
                traits.Add(new TestTrait("Module", name[..lastSeparator]));
            }
            if (isIgnored)
            {
                traits.Add(new TestTrait("Ignored", "true"));
            }
            var doc = DocTest().Match(name);
            SourceLocation? location;
            string path;
            if (doc.Success)
            {
                var file = DocTestFile(binary.WorkingDirectory, doc.Groups["file"].Value);
                location = new SourceLocation(file, int.Parse(doc.Groups["line"].Value, CultureInfo.InvariantCulture));
                // Relative to the package, as cargo prints it when the package is the workspace.
                var relative = Path.IsPathRooted(file) && file.StartsWith(binary.WorkingDirectory + "/", StringComparison.Ordinal)
                    ? Path.GetRelativePath(binary.WorkingDirectory, file)
                    : doc.Groups["file"].Value;
                var item = doc.Groups["item"].Value.Replace("::", ".", StringComparison.Ordinal);
                path = $"{SafeFileName().Replace(relative, "_")}.{(item.Length > 0 ? item + "_" : "")}line_{doc.Groups["line"].Value}";
            }
            else
            {
                location = locations.GetValueOrDefault(name);
                path = name.Replace("::", ".", StringComparison.Ordinal);
            }
            return new TestCase(
                TestNames.FullyQualified(binary, path),
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

    /// <summary>
    /// rustdoc names the file relative to the workspace root, the doctests' working directory is the package's: the
    /// file is looked for there and in the directories above it; the name as printed when neither holds it.
    /// </summary>
    private static string DocTestFile(string packageDirectory, string file)
    {
        for (var directory = new DirectoryInfo(packageDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return file;
    }

    /// <summary>Whether <paramref name="name"/> is a doctest's (rustdoc's harness), not a <c>#[test]</c>'s.</summary>
    internal static bool IsDocTest(string name) => DocTest().IsMatch(name);

    /// <summary>rustdoc's test name: <c>FILE - ITEM::PATH (line N)</c>, the item empty for the crate's own docs.</summary>
    [GeneratedRegex(@"^(?<file>\S.*?) - (?<item>.*?) ?\(line (?<line>\d+)\)$")]
    private static partial Regex DocTest();

    /// <summary>What is not a letter, digit or underscore in a file name becomes <c>_</c> in a dotted name part.</summary>
    [GeneratedRegex(@"[^\p{L}\p{N}_]")]
    private static partial Regex SafeFileName();
}
