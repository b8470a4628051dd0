using System.Globalization;
using Harness.Testing;

namespace Harness.Symbols.Tests.Support;

/// <summary>One frame of <c>addr2line -i</c>: function name and source position.</summary>
internal readonly record struct Addr2lineFrame(string Function, string File, int Line)
{
    public override string ToString() => $"{Function} {File}:{Line}";
}

/// <summary>GNU addr2line as the oracle for inline chains (innermost frame first, as it prints them).</summary>
internal static class Addr2line
{
    public static Dictionary<ulong, List<Addr2lineFrame>> Frames(string binary, IReadOnlyCollection<ulong> addresses)
    {
        var arguments = new List<string> { "-i", "-f", "-a", "-e", binary };
        arguments.AddRange(addresses.Select(a => $"0x{a:x}"));
        var output = ProcessRunner.Run("addr2line", arguments).EnsureSuccess($"addr2line on {binary}").StandardOutput;
        var result = new Dictionary<ulong, List<Addr2lineFrame>>();
        List<Addr2lineFrame>? current = null;
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("0x", StringComparison.Ordinal))
            {
                current = [];
                result[ulong.Parse(lines[i].AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)] = current;
                continue;
            }
            if (current is null || i + 1 >= lines.Length)
            {
                throw new FormatException($"unexpected addr2line output at line {i}: '{lines[i]}'");
            }
            var location = lines[++i];
            var discriminator = location.IndexOf(" (discriminator", StringComparison.Ordinal);
            if (discriminator >= 0)
            {
                location = location[..discriminator];
            }
            var colon = location.LastIndexOf(':');
            var line = int.TryParse(location.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
            current.Add(new Addr2lineFrame(lines[i - 1], location[..colon], line));
        }
        return result;
    }
}
