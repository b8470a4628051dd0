using System.Text.Json;
using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Processes;

namespace Harness.Core.Frameworks.GoogleTest;

/// <summary>
/// Lists a GoogleTest binary with <c>--gtest_list_tests --gtest_output=json:FILE</c>: GoogleTest 1.11+
/// writes the listing with each test's file and line to FILE; older versions write nothing and the text
/// listing on stdout is parsed instead (no locations then).
/// </summary>
/// <remarks>
/// Names: FrameworkName = DisplayName = <c>Suite.Name</c> as <c>--gtest_filter</c> takes it
/// (<c>Sizes/AreaParam.AreasAreNonNegative/0</c>, <c>NumericTyped/0.SquareAreaOfTwo</c>); path = that name
/// with every <c>/</c> replaced by <c>.</c> (<c>Sizes.AreaParam.AreasAreNonNegative.0</c>), so instantiation
/// prefixes, suites, tests and parameter indices each become one dotted segment. GoogleTest's names are
/// identifiers joined by <c>/</c>, so this is one-to-one except in contrived cases, which
/// <see cref="TestNames.Disambiguate"/> resolves. Traits: <c>Suite</c> (as printed, with prefix and index),
/// <c>Parameter</c> (<c>GetParam()</c> or <c>TypeParam</c>), <c>Disabled</c>.
/// </remarks>
public sealed class GoogleTestLister : ITestLister
{
    public IReadOnlyList<TestCase> List(TestBinary binary)
    {
        var jsonFile = Path.Combine(Path.GetTempPath(), $"harness-gtest-list-{Guid.NewGuid():N}.json");
        try
        {
            var output = ListingProcess.RunExpectingSuccess(binary, ["--gtest_list_tests", $"--gtest_output=json:{jsonFile}"], "--gtest_list_tests");
            var entries = (File.Exists(jsonFile) ? ParseJson(File.ReadAllText(jsonFile)) : null) ?? ParseText(output.StandardOutput);
            return ToTestCases(binary, entries);
        }
        finally
        {
            File.Delete(jsonFile);
        }
    }

    /// <summary>One listed test: suite and test name as GoogleTest prints them, parameter, location.</summary>
    internal sealed record Entry(string Suite, string Name, string? Parameter, string? File, int? Line);

    /// <summary>The JSON listing, or null when it is not one (truncated, another shape): the text listing is then used.</summary>
    internal static List<Entry>? ParseJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("testsuites", out var suites) || suites.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            var entries = new List<Entry>();
            foreach (var suite in suites.EnumerateArray())
            {
                var suiteName = suite.GetProperty("name").GetString()!;
                foreach (var test in suite.GetProperty("testsuite").EnumerateArray())
                {
                    var parameter = String(test, "value_param") ?? String(test, "type_param");
                    int? line = test.TryGetProperty("line", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetInt32() : null;
                    entries.Add(new Entry(suiteName, test.GetProperty("name").GetString()!, parameter, String(test, "file"), line));
                }
            }
            return entries;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }

        static string? String(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    /// <summary>
    /// The text listing: <c>Suite.</c> lines (with <c>  # TypeParam = T</c> for typed suites), then the tests
    /// indented by two spaces (with <c>  # GetParam() = V</c> for value-parameterised ones). Other unindented
    /// lines (gtest_main's "Running main() from …") are not suites and are skipped.
    /// </summary>
    internal static List<Entry> ParseText(string text)
    {
        var entries = new List<Entry>();
        string? suite = null;
        string? typeParameter = null;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var (body, comment) = SplitComment(line);
            if (line.StartsWith("  ", StringComparison.Ordinal))
            {
                if (suite is not null && body.Trim() is { Length: > 0 } name)
                {
                    entries.Add(new Entry(suite, name, CommentValue(comment, "GetParam()") ?? typeParameter, null, null));
                }
            }
            else if (body.EndsWith('.') && !body.Contains(' ', StringComparison.Ordinal))
            {
                suite = body[..^1];
                typeParameter = CommentValue(comment, "TypeParam");
            }
            else
            {
                suite = null;
            }
        }
        return entries;
    }

    internal static bool IsDisabled(string suite, string name) => IsDisabledPart(suite) || IsDisabledPart(name);

    // GoogleTest's own rule (kDisableTestFilter = "DISABLED_*:*/DISABLED_*"), applied to suite and test name.
    private static bool IsDisabledPart(string part) =>
        part.StartsWith("DISABLED_", StringComparison.Ordinal) || part.Contains("/DISABLED_", StringComparison.Ordinal);

    private static (string Body, string? Comment) SplitComment(string line)
    {
        var hash = line.IndexOf("  # ", StringComparison.Ordinal);
        return hash < 0 ? (line.TrimEnd(), null) : (line[..hash].TrimEnd(), line[(hash + 4)..]);
    }

    private static string? CommentValue(string? comment, string key)
    {
        var prefix = key + " = ";
        return comment is not null && comment.StartsWith(prefix, StringComparison.Ordinal) ? comment[prefix.Length..] : null;
    }

    private static List<TestCase> ToTestCases(TestBinary binary, List<Entry> entries)
    {
        var frameworkNames = entries.Select(e => $"{e.Suite}.{e.Name}").ToList();
        var paths = TestNames.Disambiguate([.. frameworkNames.Select(n => n.Replace('/', '.'))], frameworkNames);
        var tests = entries.Select((entry, i) =>
        {
            var disabled = IsDisabled(entry.Suite, entry.Name);
            var traits = new List<TestTrait> { new("Suite", entry.Suite) };
            if (entry.Parameter is not null)
            {
                traits.Add(new TestTrait("Parameter", entry.Parameter));
            }
            if (disabled)
            {
                traits.Add(new TestTrait("Disabled", "true"));
            }
            // __FILE__ is whatever path the compiler was given; a relative one cannot be resolved from here.
            var file = entry.File is { } f && Path.IsPathRooted(f) ? f : null;
            return new TestCase(
                TestNames.FullyQualified(binary, paths[i]),
                DisplayName: frameworkNames[i],
                FrameworkName: frameworkNames[i],
                binary,
                file,
                file is null ? null : entry.Line,
                traits,
                disabled);
        }).ToList();
        TestNames.RequireUnique(binary, tests);
        return tests;
    }
}
