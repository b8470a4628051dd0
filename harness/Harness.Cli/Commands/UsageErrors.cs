using System.CommandLine;
using System.CommandLine.Parsing;

namespace Harness.Cli.Commands;

/// <summary>
/// Usage errors the way a user can act on them: one line per problem naming the option and the form it expects
/// (never a .NET type name, never the whole help after it), an unknown option called an unknown option (not taken
/// for a suite path and reported after building the first suite), and exit code 2 for all of them.
/// </summary>
internal static class UsageErrors
{
    public const int ExitCode = 2;

    /// <summary>Prints the usage errors of <paramref name="parsed"/>; true when there were any (the caller exits 2).</summary>
    public static bool Report(ParseResult parsed, TextWriter error)
    {
        var lines = new List<string>();
        lines.AddRange(UnknownOptions(parsed).Select(token => $"harness: unknown option {token}"));
        foreach (var problem in parsed.Errors)
        {
            if (problem.SymbolResult is OptionResult { Option: var option } result && result.Tokens.Count > 0 && IsConversionError(problem))
            {
                lines.Add($"harness: {option.Name} {string.Join(' ', result.Tokens.Select(t => t.Value))}: expected {Expected(option.ValueType)}");
            }
            else if (!problem.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal) || lines.Count == 0)
            {
                lines.Add($"harness: {problem.Message}");
            }
        }
        if (lines.Count == 0)
        {
            return false;
        }
        foreach (var line in lines.Distinct(StringComparer.Ordinal))
        {
            error.WriteLine(line);
        }
        var command = parsed.CommandResult.Command;
        error.WriteLine($"harness: see 'harness {(command is RootCommand ? "" : command.Name + " ")}--help'");
        return true;
    }

    /// <summary>
    /// Tokens that look like options (<c>--bogus</c>, <c>-x</c>) but matched none: System.CommandLine hands them to a
    /// command's positional arguments (SUITE, INPUT) when it has any. Those after <c>--</c> are the program's own.
    /// </summary>
    private static IEnumerable<string> UnknownOptions(ParseResult parsed)
    {
        var doubleDash = parsed.Tokens.ToList().FindIndex(t => t.Type == TokenType.DoubleDash);
        var positional = parsed.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).ToHashSet();
        for (var i = 0; i < parsed.Tokens.Count && (doubleDash < 0 || i < doubleDash); i++)
        {
            var token = parsed.Tokens[i];
            if (token.Type == TokenType.Argument && positional.Contains(token) && LooksLikeOption(token.Value))
            {
                yield return token.Value;
            }
        }
        foreach (var token in parsed.UnmatchedTokens.Where(LooksLikeOption))
        {
            yield return token;
        }
    }

    private static bool LooksLikeOption(string text) => text.Length > 1 && text[0] == '-' && !char.IsDigit(text[1]) && text[1] != '.';

    private static bool IsConversionError(ParseError problem) =>
        problem.Message.StartsWith("Cannot parse argument", StringComparison.Ordinal);

    private static string Expected(Type type)
    {
        var bare = Nullable.GetUnderlyingType(type) ?? type;
        if (bare.IsArray)
        {
            bare = bare.GetElementType()!;
        }
        return bare switch
        {
            _ when bare == typeof(int) || bare == typeof(long) => "a whole number",
            _ when bare == typeof(double) || bare == typeof(float) => "a number (e.g. 2.5)",
            _ when bare == typeof(bool) => "true or false",
            _ when bare == typeof(Harness.Core.Model.SuiteKind) => "one of " + string.Join(", ", Enum.GetNames<Harness.Core.Model.SuiteKind>()),
            _ => "a value of another form",
        };
    }
}
