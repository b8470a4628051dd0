using System.Globalization;
using System.Text;
using System.Xml;
using Harness.Core.Coverage;

namespace Harness.Reporters.Coverage;

/// <summary>
/// Writes Cobertura XML (version 1.9, no DOCTYPE) shaped like coverlet's and ReportGenerator's output:
/// one <c>package</c> per module, one <c>class</c> per source file, one <c>method</c> per function.
/// </summary>
/// <remarks>
/// <para>Paths and names come from the binaries under test, so they are hostile input: everything goes through
/// <see cref="XmlWriter"/>, which escapes markup, and characters XML 1.0 cannot carry at all (most C0 controls,
/// lone surrogates, U+FFFE/U+FFFF) are replaced by U+FFFD first, since <see cref="XmlWriter"/> throws on them.
/// Tabs, newlines and carriage returns are kept, written as character references so they survive parsing.</para>
/// <para><c>sources</c> holds the deepest directory common to all files and each <c>filename</c> is relative to it,
/// as coverlet does; consumers (ReportGenerator, GitLab, Azure DevOps) join the two.</para>
/// <para>Class names are the relative path with separators turned into dots, and <c>$ &lt; &gt; `</c> turned into
/// <c>_</c> (in class names only): ReportGenerator 5.6 reads <c>/</c> and <c>$</c> as nested-class separators and
/// folds the file into the class named by what comes before (<c>calc/src/lib.rs</c> would be shown as class
/// <c>calc</c>), and rewrites names with <c>&lt;…&gt;</c> or <c>`N</c> as .NET generics (older versions dropped
/// them). Dots keep one class per file and a readable name.</para>
/// <para>Branches: a line with branch arms has <c>branch="True"</c> and <c>condition-coverage="50% (1/2)"</c> (arms taken
/// over arms), the form ReportGenerator, GitLab and Jenkins read, and a <c>&lt;conditions&gt;</c> list with one <c>jump</c>
/// condition per branch point (its number, the share of its arms taken), as coverlet writes it; rates count arms. Without any branch data, branch
/// rates and counts are 0, as coverlet writes them; likewise a report, package or class with no executable lines has
/// <c>line-rate="0"</c> and <c>lines-valid="0"</c> (no data, not full coverage). Rates have at most four decimals and never round to 0 or 1
/// unless they are exactly that, so "1" always means every line ran.</para>
/// <para>A file whose input named no module (LCOV has none) goes in a package named after its directory.</para>
/// </remarks>
public sealed class CoberturaWriter : ICoverageWriter
{
    public string Name => "cobertura";

    public string DefaultFileName => "coverage.cobertura.xml";

    public void Write(CoverageReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);

        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            // Entitize keeps a '\r' or '\n' inside a path exactly as it was instead of normalizing it.
            NewLineHandling = NewLineHandling.Entitize,
            CloseOutput = false,
        };
        var sourceRoot = SourceRoot(report.Files.Select(f => f.Path));

        using (var xml = XmlWriter.Create(output, settings))
        {
            WriteDocument(xml, report, sourceRoot);
        }
        // XmlWriter ends the document without a newline; text tools and diffs expect one.
        output.WriteByte((byte)'\n');
    }

    private static void WriteDocument(XmlWriter xml, CoverageReport report, string sourceRoot)
    {
        xml.WriteStartDocument();
        xml.WriteStartElement("coverage");
        xml.WriteAttributeString("line-rate", Rate(report.LinesCovered, report.LinesValid));
        xml.WriteAttributeString("branch-rate", Rate(report.BranchesCovered, report.BranchesValid));
        xml.WriteAttributeString("lines-covered", Number(report.LinesCovered));
        xml.WriteAttributeString("lines-valid", Number(report.LinesValid));
        xml.WriteAttributeString("branches-covered", Number(report.BranchesCovered));
        xml.WriteAttributeString("branches-valid", Number(report.BranchesValid));
        xml.WriteAttributeString("complexity", "0");
        xml.WriteAttributeString("version", "1.9");
        xml.WriteAttributeString("timestamp", Number(report.Timestamp.ToUnixTimeSeconds()));

        xml.WriteStartElement("sources");
        xml.WriteElementString("source", XmlSafe(sourceRoot));
        xml.WriteEndElement();

        xml.WriteStartElement("packages");
        foreach (var module in report.Files.GroupBy(PackageName, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            WritePackage(xml, module.Key, module.OrderBy(f => f.Path, StringComparer.Ordinal).ToList(), sourceRoot);
        }
        xml.WriteEndElement();

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WritePackage(XmlWriter xml, string module, List<FileCoverage> files, string sourceRoot)
    {
        xml.WriteStartElement("package");
        xml.WriteAttributeString("name", XmlSafe(module));
        xml.WriteAttributeString("line-rate", Rate(files.Sum(f => f.LinesCovered), files.Sum(f => f.LinesValid)));
        xml.WriteAttributeString("branch-rate", Rate(files.Sum(f => f.BranchesCovered), files.Sum(f => f.BranchesValid)));
        xml.WriteAttributeString("complexity", "0");
        xml.WriteStartElement("classes");
        foreach (var file in files)
        {
            WriteClass(xml, file, RelativePath(file.Path, sourceRoot));
        }
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteClass(XmlWriter xml, FileCoverage file, string relativePath)
    {
        var lines = file.Lines.OrderBy(l => l.Line).ToList();

        xml.WriteStartElement("class");
        xml.WriteAttributeString("name", XmlSafe(ClassName(relativePath)));
        xml.WriteAttributeString("filename", XmlSafe(relativePath));
        xml.WriteAttributeString("line-rate", Rate(file.LinesCovered, file.LinesValid));
        xml.WriteAttributeString("branch-rate", Rate(file.BranchesCovered, file.BranchesValid));
        xml.WriteAttributeString("complexity", "0");

        xml.WriteStartElement("methods");
        foreach (var function in file.Functions.OrderBy(f => f.Line).ThenBy(f => f.Name, StringComparer.Ordinal))
        {
            WriteMethod(xml, function, lines);
        }
        xml.WriteEndElement();

        WriteLines(xml, lines);
        xml.WriteEndElement();
    }

    private static void WriteMethod(XmlWriter xml, FunctionCoverage function, List<LineCoverage> fileLines)
    {
        // A function whose code was removed owns no lines, even if inlined copies elsewhere hit lines in its range.
        var lines = function.HasCode ? LinesBetween(fileLines, function.Line, Math.Max(function.Line, function.EndLine)) : [];
        var rate = lines.Count > 0
            ? Rate(lines.Count(l => l.IsCovered), lines.Count)
            : function.HasCode && function.Hits > 0 ? "1" : "0";

        xml.WriteStartElement("method");
        xml.WriteAttributeString("name", XmlSafe(function.Name));
        xml.WriteAttributeString("signature", "");
        xml.WriteAttributeString("line-rate", rate);
        xml.WriteAttributeString("branch-rate", Rate(lines.Sum(l => l.Branches?.Count(b => b.IsTaken) ?? 0), lines.Sum(l => l.Branches?.Count ?? 0)));
        xml.WriteAttributeString("complexity", "0");
        WriteLines(xml, lines);
        xml.WriteEndElement();
    }

    /// <summary>
    /// The lines numbered <paramref name="first"/>..<paramref name="last"/> of <paramref name="sorted"/> (sorted by
    /// number), found by binary search: scanning the file's lines once per function made a 20k-line Rust binary's
    /// report cost 0.7 s (lines × functions); this costs log(lines) per function plus the lines it returns.
    /// </summary>
    internal static List<LineCoverage> LinesBetween(List<LineCoverage> sorted, int first, int last)
    {
        var low = 0;
        var high = sorted.Count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (sorted[middle].Line < first)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        var lines = new List<LineCoverage>();
        for (var i = low; i < sorted.Count && sorted[i].Line <= last; i++)
        {
            lines.Add(sorted[i]);
        }
        return lines;
    }

    private static int Percent(int taken, int arms) => (int)Math.Floor(100.0 * taken / arms);

    private static void WriteLines(XmlWriter xml, List<LineCoverage> lines)
    {
        xml.WriteStartElement("lines");
        foreach (var line in lines)
        {
            xml.WriteStartElement("line");
            xml.WriteAttributeString("number", Number(line.Line));
            xml.WriteAttributeString("hits", Number(Math.Max(0, line.Hits)));
            if (line.Branches is { Count: > 0 } arms)
            {
                var taken = arms.Count(a => a.IsTaken);
                xml.WriteAttributeString("branch", "True");
                xml.WriteAttributeString("condition-coverage", string.Create(CultureInfo.InvariantCulture, $"{Percent(taken, arms.Count)}% ({taken}/{arms.Count})"));
                xml.WriteStartElement("conditions");
                foreach (var point in arms.GroupBy(a => a.Block).OrderBy(g => g.Key))
                {
                    xml.WriteStartElement("condition");
                    xml.WriteAttributeString("number", Number(point.Key));
                    xml.WriteAttributeString("type", "jump");
                    xml.WriteAttributeString("coverage", string.Create(CultureInfo.InvariantCulture, $"{Percent(point.Count(a => a.IsTaken), point.Count())}%"));
                    xml.WriteEndElement();
                }
                xml.WriteEndElement();
            }
            else
            {
                xml.WriteAttributeString("branch", "False");
            }
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    // The deepest directory holding every path, compared by segment: "/" when absolute paths share nothing more
    // (and for no paths at all), "." when relative ones share nothing, so that joining it to a filename gives the path back.
    internal static string SourceRoot(IEnumerable<string> paths)
    {
        string[]? common = null;
        foreach (var path in paths)
        {
            var directory = path.Split('/')[..^1];
            if (common is null)
            {
                common = directory;
                continue;
            }
            var shared = 0;
            while (shared < common.Length && shared < directory.Length && common[shared] == directory[shared])
            {
                shared++;
            }
            common = common[..shared];
        }
        if (common is null)
        {
            return "/";
        }
        var root = string.Join('/', common);
        return common.Length > 0 && common[0].Length == 0
            ? (root.Length == 0 ? "/" : root)
            : (root.Length == 0 ? "." : root);
    }

    internal static string RelativePath(string path, string sourceRoot) => sourceRoot switch
    {
        "." => path,
        "/" => path[1..],
        _ => path[(sourceRoot.Length + 1)..],
    };

    private static string ClassName(string relativePath)
    {
        var name = new StringBuilder(relativePath.Length);
        foreach (var c in relativePath)
        {
            name.Append(c switch
            {
                '/' or '\\' => '.',
                '$' or '<' or '>' or '`' => '_',
                _ => c,
            });
        }
        return name.ToString();
    }

    // Four decimals like coverlet's. Nothing to cover is "0" (with lines-valid="0" saying why), never a "1" that claims
    // every line of a binary without line information ran. Clamped so that 19999 of 20000 lines is 0.9999, not a "1"
    // that claims every line ran (and 1 of 20000 is not "0").
    internal static string Rate(int covered, int valid)
    {
        if (valid <= 0 || covered <= 0)
        {
            return "0";
        }
        if (covered >= valid)
        {
            return "1";
        }
        var rate = Math.Round((double)covered / valid, 4, MidpointRounding.AwayFromZero);
        rate = Math.Clamp(rate, 0.0001, 0.9999);
        return rate.ToString("0.####", CultureInfo.InvariantCulture);
    }

    private static string PackageName(FileCoverage file)
    {
        if (file.Module.Length > 0)
        {
            return file.Module;
        }
        var slash = file.Path.LastIndexOf('/');
        return slash > 0 ? file.Path[..slash] : slash == 0 ? "/" : ".";
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string XmlSafe(string text)
    {
        StringBuilder? clean = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                clean?.Append(c).Append(text[i + 1]);
                i++;
            }
            else if (XmlConvert.IsXmlChar(c))
            {
                clean?.Append(c);
            }
            else
            {
                clean ??= new StringBuilder(text.Length).Append(text, 0, i);
                clean.Append('\uFFFD');
            }
        }
        return clean?.ToString() ?? text;
    }
}
