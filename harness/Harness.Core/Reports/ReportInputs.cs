using System.IO.Compression;
using Harness.Core.Coverage;
using Harness.Core.Formats;
using Harness.Core.Reports.Formats;

namespace Harness.Core.Reports;

/// <summary>One file an input argument stood for, and what to take from it.</summary>
/// <param name="Path">The file.</param>
/// <param name="TestsOnly">For a <c>results.json</c> next to the coverage files <c>harness test</c> wrote with it:
/// take outcomes and per-test line lists, but no line hits (the coverage file has them; counting both would double them).</param>
public sealed record InputFile(string Path, bool TestsOnly = false);

/// <summary>
/// Finds and reads the inputs of a report: files of any known format, or directories of them.
/// </summary>
/// <remarks>
/// <para>A directory is searched recursively. Files of unknown format inside it are skipped (a CI artifact
/// folder holds logs too); a file named on the command line must be of a known format. <c>harness test
/// --coverage</c> and <c>harness cover</c> write the same coverage twice, as <c>lcov.info</c> and
/// <c>coverage.cobertura.xml</c>: where both names stand in one directory only <c>lcov.info</c>, the richer one, is
/// read (with a <c>results.json</c> beside it, for the tests only). Likewise a directory <c>harness report</c> wrote: its <c>harness-report.json</c>
/// holds everything, so its LCOV and Cobertura copies are not read again.</para>
/// <para>Every file is capped at <see cref="MaxInputBytes"/>, compressed or not (a gzip bomb stops at the cap), and
/// every failure becomes a <see cref="ReportInputException"/> naming the file.</para>
/// </remarks>
public static class ReportInputs
{
    /// <summary>The largest input, after decompression, that is read.</summary>
    public const long MaxInputBytes = 1L << 30;

    private const string HarnessReportFile = "harness-report.json";

    /// <summary>The files <paramref name="argument"/> stands for (itself, or the known files under a directory), sorted.</summary>
    /// <exception cref="ReportInputException">Neither a file nor a directory.</exception>
    public static IReadOnlyList<InputFile> Expand(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        if (File.Exists(argument))
        {
            return [new InputFile(argument)];
        }
        if (!Directory.Exists(argument))
        {
            throw new ReportInputException(argument, "no such file or directory");
        }
        var found = new List<InputFile>();
        try
        {
            ExpandDirectory(argument, found);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReportInputException(argument, $"cannot list the directory: {e.Message}", e);
        }
        return found;
    }

    private static void ExpandDirectory(string directory, List<InputFile> found)
    {
        var files = Directory.GetFiles(directory).Order(StringComparer.Ordinal).ToList();
        bool Has(string name) => files.Any(f => System.IO.Path.GetFileName(f) == name);
        var reportOutput = Has(HarnessReportFile);
        var harnessOutput = !reportOutput && Has("results.json") && Has("lcov.info");
        var bothCopies = !reportOutput && Has("lcov.info") && Has("coverage.cobertura.xml");
        foreach (var file in files)
        {
            var name = System.IO.Path.GetFileName(file);
            if ((bothCopies && name == "coverage.cobertura.xml") || (reportOutput && name is "coverage.cobertura.xml" or "lcov.info" or "results.json"))
            {
                continue;
            }
            if (Sniff(file) is { } format && IsReportInput(format))
            {
                found.Add(new InputFile(file, TestsOnly: harnessOutput && name == "results.json"));
            }
        }
        foreach (var child in Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
        {
            // Symbolic links to directories could loop (a link to an ancestor): follow only real directories.
            if (new DirectoryInfo(child).LinkTarget is null)
            {
                ExpandDirectory(child, found);
            }
        }
    }

    /// <summary>Whether <c>harness report</c> reads <paramref name="format"/> (timing files are <c>harness compare</c>'s).</summary>
    public static bool IsReportInput(InputFormat format) => format is not (InputFormat.JUnit or InputFormat.CTestCostData);

    /// <summary>The format of a file, or null when unknown or unreadable.</summary>
    public static InputFormat? Sniff(string path)
    {
        try
        {
            return InputSniffer.Sniff(Head(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Reads one input.</summary>
    /// <exception cref="ReportInputException">Unreadable, too large, of unknown format, or not valid in its format.</exception>
    /// <param name="maxBytes">The cap on the file's size, decompressed (tests lower it).</param>
    public static ReportData Read(InputFile input, long maxBytes = MaxInputBytes)
    {
        ArgumentNullException.ThrowIfNull(input);
        var path = input.Path;
        try
        {
            var content = Content(path, maxBytes);
            var format = InputSniffer.Sniff(content.AsSpan(0, Math.Min(content.Length, InputSniffer.HeadLength))) is { } sniffed && IsReportInput(sniffed)
                ? sniffed
                : throw new ReportInputException(path, "unknown format: not harness results or report JSON, Cobertura XML, LCOV, gcov JSON or llvm-cov export JSON");
            return format switch
            {
                InputFormat.HarnessResults => HarnessResultsReader.Read(path, content, input.TestsOnly),
                InputFormat.HarnessJson => HarnessJsonReader.Read(path, content),
                InputFormat.Cobertura => ReportData.FromCoverage(CoberturaReader.Read(path, content)),
                InputFormat.Lcov => ReportData.FromCoverage(LcovReader.Read(path, content)),
                InputFormat.GcovJson => ReportData.FromCoverage(GcovJsonReader.Read(path, content)),
                InputFormat.LlvmCovJson => ReportData.FromCoverage(LlvmCovReader.Read(path, content)),
                _ => throw new ReportInputException(path, $"no reader for {format}"),
            };
        }
        catch (ReportInputException)
        {
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Xml.XmlException
            or System.Text.Json.JsonException or FormatException or OverflowException or InvalidOperationException or KeyNotFoundException)
        {
            throw new ReportInputException(path, e.Message, e);
        }
    }

    private static byte[] Head(string path)
    {
        using var file = File.OpenRead(path);
        using var stream = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        var head = new byte[InputSniffer.HeadLength];
        var length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return head[..length];
    }

    private static byte[] Content(string path, long maxBytes)
    {
        using var file = File.OpenRead(path);
        if (file.Length > maxBytes)
        {
            throw new ReportInputException(path, $"larger than {maxBytes} bytes");
        }
        using var stream = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        using var content = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            if (content.Length + read > maxBytes)
            {
                throw new ReportInputException(path, $"decompresses to more than {maxBytes} bytes");
            }
            content.Write(buffer, 0, read);
        }
        return content.ToArray();
    }

    // Leaves the stream at its start either way.
    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        var read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    /// <summary>One input's files as a report: merged, so that a line listed twice (gcov, coverlet) is one line.</summary>
    internal static CoverageReport Coverage(IEnumerable<FileCoverage> files, DateTimeOffset timestamp) =>
        CoverageMerge.Merge([new CoverageReport([.. files], timestamp)]);
}
