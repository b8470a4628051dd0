namespace Harness.Core.Model;

/// <summary>
/// One change of a test's environment made when its process starts, relative to the environment it would otherwise
/// get (CTest's ENVIRONMENT_MODIFICATION, <c>NAME=OP:VALUE</c>): the operations need the value at start, which is
/// why they are not folded into <see cref="TestBinary.Environment"/>.
/// </summary>
/// <param name="Operation"><c>reset</c>, <c>set</c>, <c>unset</c>, <c>string_append</c>, <c>string_prepend</c>,
/// <c>path_list_append</c>, <c>path_list_prepend</c>, <c>cmake_list_append</c> or <c>cmake_list_prepend</c>.</param>
public sealed record EnvironmentChange(string Name, string Operation, string Value)
{
    public static readonly IReadOnlyList<string> Operations =
        ["reset", "set", "unset", "string_append", "string_prepend", "path_list_append", "path_list_prepend", "cmake_list_append", "cmake_list_prepend"];

    /// <summary>Parses <c>NAME=OP:VALUE</c>; null when it is not of that form or names an unknown operation.</summary>
    public static EnvironmentChange? Parse(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var colon = equals < 0 ? -1 : text.IndexOf(':', equals + 1);
        if (equals <= 0 || colon < 0 || !Operations.Contains(text[(equals + 1)..colon], StringComparer.Ordinal))
        {
            return null;
        }
        return new EnvironmentChange(text[..equals], text[(equals + 1)..colon], text[(colon + 1)..]);
    }

    /// <summary>Applies <paramref name="changes"/> in order; <c>reset</c> goes back to the value before the first of them.</summary>
    public static void ApplyAll(IReadOnlyList<EnvironmentChange> changes, IDictionary<string, string?> environment)
    {
        var before = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            if (!before.ContainsKey(change.Name))
            {
                before[change.Name] = environment.TryGetValue(change.Name, out var original) ? original : null;
            }
            var current = environment.TryGetValue(change.Name, out var value) ? value : null;
            var next = change.Operation switch
            {
                "reset" => before[change.Name],
                "set" => change.Value,
                "unset" => null,
                "string_append" => current + change.Value,
                "string_prepend" => change.Value + current,
                "path_list_append" => Join(current, change.Value, ':'),
                "path_list_prepend" => Join(change.Value, current, ':'),
                "cmake_list_append" => Join(current, change.Value, ';'),
                _ => Join(change.Value, current, ';'),
            };
            if (next is null)
            {
                environment.Remove(change.Name);
            }
            else
            {
                environment[change.Name] = next;
            }
        }
    }

    private static string Join(string? first, string? second, char separator) =>
        string.IsNullOrEmpty(first) ? second ?? "" : string.IsNullOrEmpty(second) ? first : $"{first}{separator}{second}";
}
