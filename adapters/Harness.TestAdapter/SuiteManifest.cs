using System.Globalization;
using System.Text.Json;
using Harness.Core.Model;

namespace Harness.TestAdapter;

/// <summary>
/// Reads <c>&lt;assembly&gt;.harness.jsonl</c>, which <c>Harness.NativeTests.targets</c> writes next to the project's
/// output DLL: one JSON object a line, one <c>&lt;NativeTestSuite&gt;</c> item (a <see cref="SuiteSpec"/>) per line.
/// JSON Lines because MSBuild writes one line per item without having to join items with commas.
/// </summary>
internal static class SuiteManifest
{
    public const string Extension = ".harness.jsonl";

    /// <summary>The manifest that belongs to a test source (<c>bin/…/Native.Tests.dll</c> → <c>bin/…/Native.Tests.harness.jsonl</c>).</summary>
    public static string PathFor(string source) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(source)) ?? ".", System.IO.Path.GetFileNameWithoutExtension(source) + Extension);

    /// <summary>The suites of a source, or none when it has no manifest (an ordinary .NET test assembly).</summary>
    /// <exception cref="InvalidDataException">The manifest is not what the targets write.</exception>
    public static IReadOnlyList<SuiteSpec> ReadFor(string source)
    {
        var manifest = PathFor(source);
        return File.Exists(manifest) ? Read(File.ReadAllLines(manifest), manifest) : [];
    }

    internal static IReadOnlyList<SuiteSpec> Read(IEnumerable<string> lines, string manifest)
    {
        var suites = new List<SuiteSpec>();
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                using var document = JsonDocument.Parse(line);
                suites.Add(Suite(document.RootElement));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or ArgumentException)
            {
                throw new InvalidDataException($"{manifest}:{number}: not a native suite entry ({e.Message})", e);
            }
        }
        return suites;
    }

    private static SuiteSpec Suite(JsonElement entry)
    {
        var path = entry.GetProperty("path").GetString() is { Length: > 0 } p ? p : throw new FormatException("empty path");
        var kind = Text(entry, "kind") is { } k ? Enum.Parse<SuiteKind>(k, ignoreCase: true) : SuiteKind.Auto;
        TimeSpan? timeout = Text(entry, "timeout") is { } t
            ? TimeSpan.FromSeconds(double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture))
            : null;
        return new SuiteSpec(path, kind)
        {
            Timeout = timeout,
            WorkingDirectory = Text(entry, "workingDirectory"),
            Environment = Pairs(Text(entry, "environment")).ToDictionary(StringComparer.Ordinal),
            Filters = List(Text(entry, "filter")),
            BuildEnvironment = Pairs(Text(entry, "buildEnvironment")).ToDictionary(pair => pair.Key, string? (pair) => pair.Value, StringComparer.Ordinal),
        };
    }

    private static string? Text(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>MSBuild's list syntax: items separated by ';'.</summary>
    private static List<string> List(string? text) =>
        [.. (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static IEnumerable<KeyValuePair<string, string>> Pairs(string? text) =>
        List(text).Select(item => item.IndexOf('=', StringComparison.Ordinal) is var equals and > 0
            ? KeyValuePair.Create(item[..equals], item[(equals + 1)..])
            : throw new FormatException($"'{item}' is not NAME=VALUE"));
}
