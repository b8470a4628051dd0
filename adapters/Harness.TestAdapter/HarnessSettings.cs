using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Harness.TestAdapter;

/// <summary>
/// The <c>&lt;Harness&gt;</c> section of a <c>.runsettings</c> file:
/// <code>
/// &lt;RunSettings&gt;
///   &lt;Harness&gt;
///     &lt;Jobs&gt;4&lt;/Jobs&gt;                 test processes at once (default: cores)
///     &lt;Timeout&gt;30&lt;/Timeout&gt;           seconds per test, over what the suite declares
///     &lt;Retries&gt;1&lt;/Retries&gt;            extra attempts for a failing test (passing on one: flaky, passed)
///     &lt;Coverage&gt;true&lt;/Coverage&gt;        run under the breakpoint-coverage tracer without --collect
///     &lt;Include&gt;src/**;lib/*.c&lt;/Include&gt;   source globs to cover (replace the default selection)
///     &lt;Exclude&gt;**/generated/**&lt;/Exclude&gt;  source globs to leave out
///     &lt;RunIgnored&gt;false&lt;/RunIgnored&gt;    run ignored/disabled/hidden tests too
///   &lt;/Harness&gt;
/// &lt;/RunSettings&gt;
/// </code>
/// </summary>
internal sealed record HarnessSettings(
    int Jobs, TimeSpan? Timeout, int Retries, bool Coverage, IReadOnlyList<string> Includes, IReadOnlyList<string> Excludes, bool RunIgnored)
{
    public const string SectionName = "Harness";

    public static HarnessSettings Default { get; } = new(Environment.ProcessorCount, null, 0, false, [], [], false);

    /// <summary>The settings from the run settings XML; absent elements keep their defaults.</summary>
    /// <exception cref="FormatException">An element holds something that is not its type.</exception>
    public static HarnessSettings Parse(string? runSettingsXml)
    {
        if (string.IsNullOrWhiteSpace(runSettingsXml))
        {
            return Default;
        }
        XElement? section;
        try
        {
            section = XDocument.Parse(runSettingsXml).Root?.Element(SectionName);
        }
        catch (XmlException e)
        {
            throw new FormatException($"run settings are not XML: {e.Message}", e);
        }
        if (section is null)
        {
            return Default;
        }
        var settings = Default with
        {
            Jobs = Value(section, "Jobs", int.Parse) ?? Default.Jobs,
            Timeout = Value(section, "Timeout", text => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)) is { } seconds
                ? TimeSpan.FromSeconds(seconds)
                : null,
            Retries = Value(section, "Retries", int.Parse) ?? 0,
            Coverage = Value(section, "Coverage", bool.Parse) ?? false,
            Includes = Globs(section, "Include"),
            Excludes = Globs(section, "Exclude"),
            RunIgnored = Value(section, "RunIgnored", bool.Parse) ?? false,
        };
        if (settings.Jobs < 1 || settings.Retries < 0 || settings.Timeout <= TimeSpan.Zero)
        {
            throw new FormatException("<Harness>: Jobs must be ≥ 1, Retries ≥ 0, Timeout > 0");
        }
        return settings;
    }

    private static T? Value<T>(XElement section, string name, Func<string, T> parse)
        where T : struct
    {
        var text = section.Element(name)?.Value.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        try
        {
            return parse(text);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new FormatException($"<Harness><{name}>: '{text}' is not a valid value", e);
        }
    }

    private static List<string> Globs(XElement section, string name) =>
        [.. section.Elements(name).SelectMany(e => e.Value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
}
