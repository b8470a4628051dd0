using System.Globalization;

namespace Harness.Core.Coverage;

/// <summary>
/// The one way a coverage percentage is shown, everywhere (console summaries, markdown, messages): floored to one
/// decimal, as lcov's genhtml does, so that 99.96 % is never shown as a full 100.0 % and a run and a report of the
/// same data never disagree in the last digit; and "n/a" when there is nothing to count, never a number.
/// </summary>
public static class CoveragePercent
{
    /// <summary>What is shown when there are no executable lines (or no branch arms) at all.</summary>
    public const string NoData = "n/a";

    /// <summary><c>"95.2%"</c> for 952 of 1000 and for 9529 of 10000; <see cref="NoData"/> when <paramref name="valid"/> is 0.</summary>
    public static string Format(long covered, long valid)
    {
        if (valid <= 0)
        {
            return NoData;
        }
        // Integer division floors exactly; no binary floating-point value sits just below a tenth.
        var tenths = Math.Clamp(covered, 0, valid) * 1000 / valid;
        return string.Create(CultureInfo.InvariantCulture, $"{tenths / 10}.{tenths % 10}%");
    }
}
