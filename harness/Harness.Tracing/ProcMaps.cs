using System.Globalization;

namespace Harness.Tracing;

/// <summary>One line of <c>/proc/PID/maps</c>.</summary>
internal readonly record struct Mapping(ulong Start, ulong End, string Permissions, ulong Offset, string Path)
{
    /// <summary>Parses the whole maps file of a process; empty when the process is gone.</summary>
    public static List<Mapping> Read(int pid)
    {
        var mappings = new List<Mapping>();
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{pid}/maps");
        }
        catch (IOException)
        {
            return mappings;
        }
        foreach (var line in lines)
        {
            // start-end perms offset dev inode path (path may contain spaces; it starts after the inode's padding)
            var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 5)
            {
                continue;
            }
            var range = parts[0].Split('-');
            mappings.Add(new Mapping(
                ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                parts[1],
                ulong.Parse(parts[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                parts.Length == 6 ? parts[5].Trim() : ""));
        }
        return mappings;
    }
}
