namespace Harness.Symbols;

/// <summary>
/// The one error the symbol reader raises for bad input: a file that is not ELF, is truncated,
/// has no debug information, or carries corrupted DWARF. The message names the file and the problem.
/// </summary>
public sealed class SymbolReadException : HarnessException
{
    public SymbolReadException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    public string FilePath { get; }

    public string Problem { get; }
}

/// <summary>
/// Raised inside the DWARF and ELF parsers, which do not know the file name;
/// <see cref="SourceMap.Load"/> wraps it into a <see cref="SymbolReadException"/>.
/// </summary>
internal sealed class MalformedException(string problem) : Exception(problem);
