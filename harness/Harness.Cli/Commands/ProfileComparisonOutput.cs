using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Harness.Core.Profiling;
using Spectre.Console;

namespace Harness.Cli.Commands;

/// <summary>
/// <c>harness compare</c> over two <c>profile.json</c> files (<c>harness test --profile</c>, <c>harness profile</c>):
/// per test in both, the functions whose share of the test's CPU time moved by at least the threshold, largest
/// move first. Shares, not milliseconds: whether the test as a whole got slower is the timing comparison's question.
/// </summary>
internal static class ProfileComparisonOutput
{
    /// <summary>Whether <paramref name="spec"/> names a profile.json (told by its content: only profiles carry a sampling rate).</summary>
    public static bool IsProfile(string? spec)
    {
        if (spec is null || !File.Exists(spec))
        {
            return false;
        }
        try
        {
            using var file = File.OpenRead(spec);
            Span<byte> head = stackalloc byte[512];
            var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return Encoding.UTF8.GetString(head[..read]).Contains("\"rateHz\"", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static int Run(string baselinePath, string currentPath, double minimumChange, string format, string? output)
    {
        IReadOnlyDictionary<string, IReadOnlyList<FunctionShift>> shifts;
        try
        {
            shifts = ProfileComparison.Compare(ProfileFile.Read(baselinePath), ProfileFile.Read(currentPath), minimumChange);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"harness: {e.Message}");
            return 2;
        }
        if (format == "html")
        {
            Console.Error.WriteLine("harness: profiles compare as table, markdown or json");
            return 2;
        }
        if (format == "table" && output is null)
        {
            Table(baselinePath, currentPath, shifts);
            return 0;
        }
        using var stream = output is null ? Console.OpenStandardOutput() : File.Create(output);
        if (format == "json")
        {
            JsonSerializer.Serialize(stream, shifts, ProfileComparisonJson.Default.IReadOnlyDictionaryStringIReadOnlyListFunctionShift);
        }
        else
        {
            using var text = new StreamWriter(stream, leaveOpen: true);
            Markdown(baselinePath, currentPath, shifts, text);
        }
        if (output is not null)
        {
            Console.WriteLine($"harness: {shifts.Count} tests in both profiles, {shifts.Values.Sum(s => s.Count)} function shifts; report in {output}");
        }
        return 0;
    }

    private static void Table(string baselinePath, string currentPath, IReadOnlyDictionary<string, IReadOnlyList<FunctionShift>> shifts)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 240;
        }
        AnsiConsole.MarkupLine($"baseline: {Markup.Escape(baselinePath)}");
        AnsiConsole.MarkupLine($"current:  {Markup.Escape(currentPath)}");
        foreach (var (test, functions) in shifts)
        {
            var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape(test))
                .AddColumns("function", "image", "self", "change", "total", "self ms");
            foreach (var column in table.Columns.Skip(2))
            {
                column.RightAligned();
            }
            foreach (var f in functions)
            {
                var style = f.SelfShareChange > 0 ? "red" : "green";
                table.AddRow(Markup.Escape(f.Name), Markup.Escape(f.Image), $"{Share(f.BaselineSelfShare)} → {Share(f.CurrentSelfShare)}",
                    $"[{style}]{Points(f.SelfShareChange)}[/]", $"{Share(f.BaselineTotalShare)} → {Share(f.CurrentTotalShare)}",
                    $"{Ms(f.BaselineSelfMs)} → {Ms(f.CurrentSelfMs)}");
            }
            AnsiConsole.Write(table);
        }
        AnsiConsole.WriteLine($"{shifts.Count} tests in both profiles");
    }

    private static void Markdown(string baselinePath, string currentPath, IReadOnlyDictionary<string, IReadOnlyList<FunctionShift>> shifts, TextWriter text)
    {
        text.WriteLine($"## Profile comparison\n\nbaseline `{baselinePath}`, current `{currentPath}`\n");
        foreach (var (test, functions) in shifts)
        {
            text.WriteLine($"### `{test}`\n\n| function | image | self | change | total | self ms |\n|---|---|--:|--:|--:|--:|");
            foreach (var f in functions)
            {
                text.WriteLine($"| `{Cell(f.Name)}` | {Cell(f.Image)} | {Share(f.BaselineSelfShare)} → {Share(f.CurrentSelfShare)} | {Points(f.SelfShareChange)} | " +
                    $"{Share(f.BaselineTotalShare)} → {Share(f.CurrentTotalShare)} | {Ms(f.BaselineSelfMs)} → {Ms(f.CurrentSelfMs)} |");
            }
            text.WriteLine();
        }
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string Share(double share) => share.ToString("P1", CultureInfo.InvariantCulture);

    private static string Points(double change) => string.Create(CultureInfo.InvariantCulture, $"{change * 100:+0.0;-0.0;0.0} pp");

    private static string Ms(double ms) => ms.ToString("0.#", CultureInfo.InvariantCulture);
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IReadOnlyDictionary<string, IReadOnlyList<FunctionShift>>))]
internal sealed partial class ProfileComparisonJson : JsonSerializerContext;
