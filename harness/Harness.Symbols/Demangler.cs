using System.Text;

namespace Harness.Symbols;

/// <summary>
/// Just enough demangling for names that reach us mangled (llvm-cov's function names, ELF symbols without DWARF):
/// Itanium / Rust legacy nested names (<c>_ZN…E</c>) become <c>a::b::c</c>, dropping Rust's <c>17h&lt;hash&gt;</c>
/// suffix and a C++ parameter list; Rust v0 names (<c>_R…</c>) follow the grammar for plain paths and closures
/// (<c>{closure#0}</c> as rustc-demangle shows them), else their identifiers are joined by <c>::</c> (crate hashes,
/// back-references and generic arguments dropped). Anything else is kept as is.
/// </summary>
public static class Demangler
{
    /// <summary>The readable name of <paramref name="symbol"/>, or the symbol itself when it is not a mangled name this reads.</summary>
    public static string Demangle(string symbol)
    {
        // Clang prefixes the names of functions with internal linkage with their file: "src/lib.rs:_ZN…".
        var colon = symbol.LastIndexOf(':');
        var mangled = colon >= 0 && symbol.Length > colon + 3 && symbol[(colon + 1)..].StartsWith('_') ? symbol[(colon + 1)..] : symbol;
        if (mangled.StartsWith("_R", StringComparison.Ordinal))
        {
            var position = 2;
            return DemangleV0Path(mangled, ref position) is { } path && position == mangled.Length ? path : RustV0Identifiers(mangled) ?? symbol;
        }
        if (!mangled.StartsWith("_ZN", StringComparison.Ordinal))
        {
            return symbol;
        }
        var parts = new List<string>();
        var i = 3;
        while (i < mangled.Length && mangled[i] != 'E')
        {
            var digits = i;
            while (digits < mangled.Length && char.IsAsciiDigit(mangled[digits]))
            {
                digits++;
            }
            if (digits == i || !int.TryParse(mangled.AsSpan(i, digits - i), out var length) || length <= 0 || digits + length > mangled.Length - 1)
            {
                return symbol;
            }
            parts.Add(mangled.Substring(digits, length));
            i = digits + length;
        }
        if (parts.Count == 0 || i >= mangled.Length)
        {
            return symbol;
        }
        if (parts.Count > 1 && parts[^1].Length == 17 && parts[^1][0] == 'h' && parts[^1][1..].All(char.IsAsciiHexDigit))
        {
            parts.RemoveAt(parts.Count - 1);
        }
        return string.Join("::", parts.Select(Unescape));
    }

    // v0 paths: C <identifier> (crate root) and N <namespace> <path> <identifier>; a namespace tag in upper case
    // is a compiler-made item (C closure, S shim) shown as {closure#N} the way rustc-demangle shows it.
    private static string? DemangleV0Path(string text, ref int position)
    {
        if (position >= text.Length)
        {
            return null;
        }
        var tag = text[position++];
        if (tag == 'C')
        {
            return V0Identifier(text, ref position, out _);
        }
        if (tag != 'N' || position >= text.Length)
        {
            return null;
        }
        var space = text[position++];
        if (DemangleV0Path(text, ref position) is not { } parent || V0Identifier(text, ref position, out var disambiguator) is not { } name)
        {
            return null;
        }
        if (char.IsAsciiLetterUpper(space))
        {
            var kind = space == 'C' ? "closure" : "shim";
            return $"{parent}::{{{kind}{(name.Length > 0 ? ":" + name : "")}#{disambiguator}}}";
        }
        return $"{parent}::{name}";
    }

    private static string? V0Identifier(string text, ref int position, out long disambiguator)
    {
        disambiguator = 0;
        if (position < text.Length && text[position] == 's')
        {
            position++;
            if (Base62(text, ref position) is not { } value)
            {
                return null;
            }
            disambiguator = value + 1;
        }
        if (position < text.Length && text[position] == 'u')
        {
            return null; // Punycode: not worth a decoder here.
        }
        var start = position;
        while (position < text.Length && char.IsAsciiDigit(text[position]))
        {
            position++;
        }
        if (position == start || !int.TryParse(text.AsSpan(start, position - start), out var length))
        {
            return null;
        }
        if (position < text.Length && text[position] == '_')
        {
            position++;
        }
        if (length > text.Length - position)
        {
            return null;
        }
        var identifier = text.Substring(position, length);
        position += length;
        return identifier;
    }

    // <base-62-number> = {0-9a-zA-Z} "_", where "_" alone is 0 and digits encode value - 1.
    private static long? Base62(string text, ref int position)
    {
        long value = 0;
        var digits = 0;
        while (position < text.Length && text[position] != '_')
        {
            var c = text[position++];
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 36,
                _ => -1,
            };
            if (digit < 0 || digits++ > 10)
            {
                return null;
            }
            value = value * 62 + digit;
        }
        if (position >= text.Length)
        {
            return null;
        }
        position++;
        return digits == 0 ? 0 : value + 1;
    }

    private static string Unescape(string part)
    {
        if (!part.Contains('$', StringComparison.Ordinal) && !part.Contains("..", StringComparison.Ordinal))
        {
            return part;
        }
        var text = new StringBuilder(part.StartsWith("_$", StringComparison.Ordinal) ? part[1..] : part)
            .Replace("$LT$", "<").Replace("$GT$", ">").Replace("$RF$", "&").Replace("$BP$", "*").Replace("$u20$", " ")
            .Replace("$u27$", "'").Replace("$u5b$", "[").Replace("$u5d$", "]").Replace("$u7b$", "{").Replace("$u7d$", "}")
            .Replace("$u3b$", ";").Replace("$u2b$", "+").Replace("$u22$", "\"").Replace("$C$", ",").Replace("..", "::");
        return text.ToString();
    }

    /// <summary>
    /// A v0 symbol the grammar above does not cover (impl paths, generic arguments): its identifiers in order, joined
    /// (decimal length + name, skipping <c>s…_</c> disambiguators and <c>B…_</c> back-references), or null.
    /// </summary>
    private static string? RustV0Identifiers(string symbol)
    {
        var parts = new List<string>();
        var i = 2;
        while (i < symbol.Length)
        {
            var c = symbol[i];
            if ((c is 's' or 'B') && SkipBase62(symbol, i + 1) is var end and > 0)
            {
                i = end;
            }
            else if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < symbol.Length && char.IsAsciiDigit(symbol[i]))
                {
                    i++;
                }
                if (i < symbol.Length && symbol[i] == '_')
                {
                    i++; // an identifier that starts with a digit or '_' has a separating '_'
                }
                if (!int.TryParse(symbol.AsSpan(start, i - start).TrimEnd('_'), out var length) || length <= 0 || i + length > symbol.Length)
                {
                    return null;
                }
                parts.Add(symbol.Substring(i, length));
                i += length;
            }
            else
            {
                i++;
            }
        }
        return parts.Count == 0 ? null : string.Join("::", parts);
    }

    /// <summary>The index after "base62-digits_" starting at <paramref name="at"/>, or -1.</summary>
    private static int SkipBase62(string symbol, int at)
    {
        var i = at;
        while (i < symbol.Length && char.IsAsciiLetterOrDigit(symbol[i]))
        {
            i++;
        }
        return i < symbol.Length && symbol[i] == '_' ? i + 1 : -1;
    }
}
