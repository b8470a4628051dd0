using System.CommandLine;
using System.Globalization;
using System.Text;
using Harness.Symbols;

namespace Harness.Cli.Commands;

/// <summary>
/// Introspection of the source map: what the engine believes about a binary, in a stable
/// tab-separated format that scripts and checks compare against readelf and nm.
/// </summary>
internal static class SymbolCommands
{
    public static Command Lines()
    {
        var binary = new Argument<string>("BINARY") { Description = "An ELF executable or shared library built with debug information (-g)." };
        var all = new Option<bool>("--all") { Description = "Also print rows that are not statement starts (is_stmt false) and rows with line 0." };
        var command = new Command("lines", "Print the line table: address, absolute source file, line, column; one row per statement, sorted by address.")
        {
            binary,
            all,
        };
        command.SetAction(result => Run(result.GetValue(binary)!, (map, output) => WriteLines(map, output, result.GetValue(all))));
        return command;
    }

    public static Command Functions()
    {
        var binary = new Argument<string>("BINARY") { Description = "An ELF executable or shared library built with debug information (-g)." };
        var command = new Command("functions", "Print functions with code: low and high address, qualified name, declaration file:line; one row per address range.")
        {
            binary,
        };
        command.SetAction(result => Run(result.GetValue(binary)!, WriteFunctions));
        return command;
    }

    private static int Run(string path, Action<SourceMap, TextWriter> write)
    {
        SourceMap map;
        try
        {
            map = SourceMap.Load(path);
        }
        catch (HarnessException e)
        {
            Console.Error.WriteLine(ErrorLine.For(e));
            return 1;
        }
        using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        write(map, output);
        return 0;
    }

    private static void WriteLines(SourceMap map, TextWriter output, bool all)
    {
        foreach (var row in map.Rows)
        {
            if (row.IsEndSequence || (!all && (!row.IsStatement || row.Line == 0)))
            {
                continue;
            }
            output.Write("0x");
            output.Write(row.Address.ToString("x", CultureInfo.InvariantCulture));
            output.Write('\t');
            output.Write(FileName(map, row.File));
            output.Write('\t');
            output.Write(row.Line.ToString(CultureInfo.InvariantCulture));
            output.Write('\t');
            output.Write(row.Column.ToString(CultureInfo.InvariantCulture));
            output.Write('\n');
        }
    }

    private static void WriteFunctions(SourceMap map, TextWriter output)
    {
        var rows = map.Functions
            .SelectMany(f => f.Ranges.Select(r => (Range: r, Function: f)))
            .OrderBy(x => x.Range.Start)
            .ThenBy(x => x.Range.End);
        foreach (var (range, function) in rows)
        {
            output.Write(string.Create(CultureInfo.InvariantCulture,
                $"0x{range.Start:x}\t0x{range.End:x}\t{function.Name}\t{FileName(map, function.DeclFile)}:{function.DeclLine}\n"));
        }
    }

    // addr2line's convention for an unknown file.
    private static string FileName(SourceMap map, int file) => file >= 0 ? map.Files[file] : "??";
}
