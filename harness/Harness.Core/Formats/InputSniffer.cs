using System.Text;
using System.Text.Json;
using System.Xml;

namespace Harness.Core.Formats;

/// <summary>
/// Tells an input's format from its first bytes, never from its name: CI artifacts get renamed, and
/// <c>coverage.xml</c> or <c>coverage.json</c> says nothing about which tool wrote it.
/// </summary>
/// <remarks>
/// JSON formats are told apart by their top-level property names, read with a streaming reader over the head
/// only: <c>llvm-cov export</c> writes its <c>type</c> marker after megabytes of data, but always starts with
/// <c>"data"</c>; gcov starts with <c>format_version</c> and <c>gcc_version</c>; <c>results.json</c> with
/// <c>schemaVersion</c>; the harness report with <c>"format": "harness-report"</c>. XML is Cobertura when the root
/// element is <c>coverage</c>, JUnit when it is <c>testsuites</c> or <c>testsuite</c> (read with DTDs ignored, so a
/// hostile DOCTYPE costs nothing here). LCOV is text whose first record line is <c>TN:</c>, <c>SF:</c> or <c>VER:</c>;
/// CTest's cost data is text whose first line is <c>NAME RUNS SECONDS</c> or <c>---</c>. This is the one sniffer:
/// report inputs and timing files are both dispatched by it.
/// </remarks>
public static partial class InputSniffer
{
    /// <summary>How many bytes of a file sniffing looks at.</summary>
    public const int HeadLength = 64 * 1024;

    /// <summary>The format of content starting with <paramref name="head"/> (already decompressed), or null when unknown.</summary>
    public static InputFormat? Sniff(ReadOnlySpan<byte> head)
    {
        var start = SkipWhitespace(head);
        if (start.IsEmpty)
        {
            return null;
        }
        return start[0] switch
        {
            (byte)'{' => SniffJson(start),
            (byte)'<' => SniffXml(start),
            _ => SniffText(start),
        };
    }

    private static ReadOnlySpan<byte> SkipWhitespace(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith("\uFEFF"u8))
        {
            data = data[3..];
        }
        var i = 0;
        while (i < data.Length && data[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }
        return data[i..];
    }

    private static InputFormat? SniffJson(ReadOnlySpan<byte> head)
    {
        var reader = new Utf8JsonReader(head, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { MaxDepth = 256 }));
        var names = new HashSet<string>(StringComparer.Ordinal);
        string? first = null;
        string? format = null;
        string? type = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                {
                    continue;
                }
                var name = reader.GetString()!;
                first ??= name;
                names.Add(name);
                if (name is "format" or "type" && reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    if (name == "format")
                    {
                        format = reader.GetString();
                    }
                    else
                    {
                        type = reader.GetString();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Broken JSON: decide from what was read before the break; the reader proper reports the error.
        }
        if (format == "harness-report")
        {
            return InputFormat.HarnessJson;
        }
        if (names.Contains("schemaVersion") && (names.Contains("tests") || names.Contains("harness")))
        {
            return InputFormat.HarnessResults;
        }
        if (names.Contains("gcc_version") || (names.Contains("format_version") && names.Contains("current_working_directory")))
        {
            return InputFormat.GcovJson;
        }
        if (type == "llvm.coverage.json.export" || first == "data")
        {
            return InputFormat.LlvmCovJson;
        }
        return null;
    }

    private static InputFormat? SniffXml(ReadOnlySpan<byte> head)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        try
        {
            using var stream = new MemoryStream(head.ToArray(), writable: false);
            using var xml = XmlReader.Create(stream, settings);
            while (xml.Read())
            {
                if (xml.NodeType == XmlNodeType.Element)
                {
                    return xml.LocalName switch
                    {
                        "coverage" => InputFormat.Cobertura,
                        "testsuites" or "testsuite" => InputFormat.JUnit,
                        _ => null,
                    };
                }
            }
        }
        catch (XmlException)
        {
            // Not well-formed before the root element: not a format we know.
        }
        return null;
    }

    private static InputFormat? SniffText(ReadOnlySpan<byte> head)
    {
        var text = Encoding.UTF8.GetString(head[..Math.Min(head.Length, 4096)]);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            if (line.StartsWith("TN:", StringComparison.Ordinal) || line.StartsWith("SF:", StringComparison.Ordinal) || line.StartsWith("VER:", StringComparison.Ordinal))
            {
                return InputFormat.Lcov;
            }
            return line == "---" || CostLine().IsMatch(line) ? InputFormat.CTestCostData : null;
        }
        return null;
    }

    /// <summary>A CTestCostData line: a name (which may hold spaces), a run count, an average in seconds.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^\S.* \d+ [0-9.eE+-]+$")]
    private static partial System.Text.RegularExpressions.Regex CostLine();
}
