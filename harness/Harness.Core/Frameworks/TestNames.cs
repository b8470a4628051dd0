using System.Security.Cryptography;
using System.Text;
using Harness.Core.Model;

namespace Harness.Core.Frameworks;

/// <summary>
/// Builds fully qualified names <c>&lt;suite&gt;.&lt;binary id&gt;.&lt;path&gt;</c> and keeps them unique within a binary.
/// </summary>
internal static class TestNames
{
    public static string FullyQualified(TestBinary binary, string path) => $"{binary.Suite}.{binary.BinaryId}.{path}";

    /// <summary>
    /// Makes paths unique when a framework's names map onto the same path (Catch2 names differing only in
    /// punctuation; pathological GoogleTest names). Every member of a colliding group gets <c>_</c> plus
    /// 8 hex digits of the SHA-256 of its exact framework name: stable across listings and independent
    /// of listing order, so only a new colliding test renames the others, never an unrelated change.
    /// </summary>
    public static IReadOnlyList<string> Disambiguate(IReadOnlyList<string> paths, IReadOnlyList<string> frameworkNames)
    {
        var counts = paths.CountBy(p => p, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        var result = new string[paths.Count];
        for (var i = 0; i < paths.Count; i++)
        {
            result[i] = counts[paths[i]] > 1 ? $"{paths[i]}_{ShortHash(frameworkNames[i])}" : paths[i];
        }
        return result;
    }

    /// <summary>Throws when two tests of one binary still share a name: a listing we misread, never a state to pass on.</summary>
    public static void RequireUnique(TestBinary binary, IEnumerable<TestCase> tests)
    {
        var duplicate = tests.GroupBy(t => t.FullyQualifiedName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new TestListingException(binary, $"two tests map to the name {duplicate.Key} ({string.Join(", ", duplicate.Select(t => $"'{t.FrameworkName}'"))})");
        }
    }

    private static string ShortHash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
}
