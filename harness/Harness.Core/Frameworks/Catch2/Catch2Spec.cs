using System.Text;

namespace Harness.Core.Frameworks.Catch2;

/// <summary>Catch2 v2 test specs: the command-line argument that selects test cases by name.</summary>
public static class Catch2Spec
{
    /// <summary>
    /// A spec selecting the test case named exactly <paramref name="name"/>: a backslash before each
    /// <c>\</c>, <c>,</c> (which separates specs), <c>[</c> (which starts a tag) and <c>"</c> (which quotes), and
    /// before a leading <c>~</c> (which negates).
    /// </summary>
    /// <remarks>
    /// Catch2 2.13 cannot escape everything: a <c>*</c> at the start or end of a name is always a wildcard,
    /// a name starting with <c>exclude:</c> is always an exclusion, and name matching ignores case, so such a
    /// spec may select more than the one test (or, for <c>exclude:</c>, every other one).
    /// </remarks>
    public static string Escape(string name)
    {
        var spec = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c is '\\' or ',' or '[' or '"' || (i == 0 && c == '~'))
            {
                spec.Append('\\');
            }
            spec.Append(c);
        }
        return spec.ToString();
    }

    /// <summary>The name a spec made by <see cref="Escape"/> (or by <c>catch_discover_tests</c>, which escapes the same way) selects.</summary>
    public static string Unescape(string spec)
    {
        var name = new StringBuilder(spec.Length);
        for (var i = 0; i < spec.Length; i++)
        {
            if (spec[i] == '\\' && i + 1 < spec.Length)
            {
                i++;
            }
            name.Append(spec[i]);
        }
        return name.ToString();
    }
}
