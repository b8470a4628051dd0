using System.Text;
using System.Text.RegularExpressions;
using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Processes;

namespace Harness.Core.Frameworks.Catch2;

/// <summary>
/// Lists a Catch2 v2 binary in three runs: <c>--list-test-names-only -v high "*"</c> gives every test case,
/// hidden ones included (any name pattern lifts hiding), one per line as <c>NAME\t@FILE:LINE</c>, never
/// wrapped; <c>--list-test-names-only</c> alone gives the cases run by default, so the rest are the hidden
/// ones (<c>[.]</c>, <c>[.tag]</c>, <c>[!hide]</c>); <c>--list-tests "*"</c> gives the tags. Catch2's exit
/// code for a listing is the number of cases listed (at most 255), which also checks that we read all of them.
/// </summary>
/// <remarks>
/// Names: FrameworkName = DisplayName = the TEST_CASE name (run it with <see cref="Catch2Spec.Escape"/>);
/// path = the name with each run of characters other than ASCII letters, digits and <c>_</c> replaced by
/// one <c>_</c>, trimmed of <c>_</c> at both ends (<c>fib computes small values</c> →
/// <c>fib_computes_small_values</c>): one dotted segment. Names that collapse to the same path are told
/// apart by <see cref="TestNames.Disambiguate"/>. Traits: <c>Tag</c> per tag as Catch2 prints them
/// (hidden cases also carry <c>.</c> and <c>!hide</c>), <c>Hidden</c>.
/// </remarks>
public sealed partial class Catch2Lister : ITestLister
{
    // Catch2's Session::run: `return (std::min)(MaxExitCode, static_cast<int>(*listed))`; 255 is also its error code.
    private const int MaxExitCode = 255;

    public IReadOnlyList<TestCase> List(TestBinary binary)
    {
        var all = ParseNamesOnly(binary, ListingProcess.Run(binary, ["--list-test-names-only", "-v", "high", "*"]), withLocations: true);
        var byDefault = ParseNamesOnly(binary, ListingProcess.Run(binary, ["--list-test-names-only"]), withLocations: false)
            .Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var tagListing = ListingProcess.Run(binary, ["--list-tests", "*"]);
        var tags = ParseTags(tagListing.StandardOutput);
        if (tags.Count != all.Count || tagListing.ExitCode != Math.Min(tags.Count, MaxExitCode))
        {
            throw new TestListingException(binary, $"--list-tests printed {tags.Count} test cases, --list-test-names-only {all.Count}",
                tagListing.ExitCode, tagListing.StandardError);
        }

        var names = all.Select(t => t.Name).ToList();
        var paths = TestNames.Disambiguate([.. names.Select(Sanitize)], names);
        var tests = all.Select((entry, i) =>
        {
            var hidden = !byDefault.Contains(entry.Name);
            var traits = tags[i].Select(tag => new TestTrait("Tag", tag)).ToList();
            if (hidden)
            {
                traits.Add(new TestTrait("Hidden", "true"));
            }
            return new TestCase(
                TestNames.FullyQualified(binary, paths[i]),
                DisplayName: entry.Name,
                FrameworkName: entry.Name,
                binary,
                entry.File,
                entry.Line,
                traits,
                hidden);
        }).ToList();
        TestNames.RequireUnique(binary, tests);
        return tests;
    }

    /// <summary>A listed test case and where TEST_CASE is written, when the path is absolute.</summary>
    internal sealed record Entry(string Name, string? File, int? Line);

    /// <summary>Lines <c>NAME</c> (or <c>NAME\t@FILE:LINE</c> with <c>-v high</c>); a name starting with <c>#</c> comes in double quotes.</summary>
    internal static List<Entry> ParseNamesOnly(TestBinary binary, ListingOutput output, bool withLocations)
    {
        var entries = new List<Entry>();
        foreach (var line in Lines(output.StandardOutput))
        {
            if (line.Length == 0)
            {
                continue;
            }
            var at = withLocations ? line.LastIndexOf("\t@", StringComparison.Ordinal) : -1;
            var name = at < 0 ? line : line[..at];
            if (name.Length >= 3 && name.StartsWith("\"#", StringComparison.Ordinal) && name.EndsWith('"'))
            {
                name = name[1..^1];
            }
            string? file = null;
            int? lineNumber = null;
            if (at >= 0)
            {
                var location = line[(at + 2)..];
                var colon = location.LastIndexOf(':');
                if (colon > 0 && int.TryParse(location.AsSpan(colon + 1), out var parsed) && Path.IsPathRooted(location[..colon]))
                {
                    (file, lineNumber) = (location[..colon], parsed);
                }
            }
            entries.Add(new Entry(name, file, lineNumber));
        }
        if (Math.Min(entries.Count, MaxExitCode) != output.ExitCode)
        {
            throw new TestListingException(binary, $"read {entries.Count} test cases from a listing whose exit code says otherwise", output.ExitCode, output.StandardError);
        }
        return entries;
    }

    /// <summary>
    /// The tags of each case of the console listing, in order. Each case starts with its name indented by
    /// two spaces (wrapped at 80 columns onto lines indented by four), then its tags indented by six (also
    /// wrappable, so the tag lines of a case are joined before splitting).
    /// </summary>
    internal static List<List<string>> ParseTags(string listing)
    {
        var cases = new List<StringBuilder>();
        foreach (var line in Lines(listing))
        {
            if (line.StartsWith("      ", StringComparison.Ordinal) && cases.Count > 0)
            {
                cases[^1].Append(line.AsSpan().Trim());
            }
            else if (line.StartsWith("  ", StringComparison.Ordinal) && !line.StartsWith("   ", StringComparison.Ordinal))
            {
                cases.Add(new StringBuilder());
            }
        }
        return [.. cases.Select(tags => TagPattern().Matches(tags.ToString()).Select(m => m.Groups[1].Value).ToList())];
    }

    /// <summary>One path segment: every run of characters outside <c>[A-Za-z0-9_]</c> becomes one <c>_</c>.</summary>
    internal static string Sanitize(string name)
    {
        var path = NonIdentifier().Replace(name, "_").Trim('_');
        return path.Length == 0 ? "_" : path;
    }

    private static IEnumerable<string> Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r'));

    [GeneratedRegex(@"\[([^\]]*)\]")]
    private static partial Regex TagPattern();

    [GeneratedRegex("[^A-Za-z0-9_]+")]
    private static partial Regex NonIdentifier();
}
