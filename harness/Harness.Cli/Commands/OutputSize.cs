using System.Globalization;

namespace Harness.Cli.Commands;

/// <summary>A size on the command line: <c>65536</c>, <c>512K</c>, <c>1M</c> (binary units, case-insensitive, optional <c>B</c>/<c>iB</c>).</summary>
internal static class OutputSize
{
    public static bool TryParse(string text, out int bytes)
    {
        bytes = 0;
        var value = text.Trim().ToUpperInvariant();
        value = value.EndsWith("IB", StringComparison.Ordinal) ? value[..^2] : value.EndsWith('B') ? value[..^1] : value;
        var multiplier = value.Length > 0 ? value[^1] switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1L } : 1L;
        if (multiplier != 1)
        {
            value = value[..^1];
        }
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > int.MaxValue / multiplier)
        {
            return false;
        }
        bytes = (int)(number * multiplier);
        return true;
    }
}
