namespace Harness;

/// <summary>
/// The root of every error the engine raises for bad input or a failed phase (a binary that cannot be read or traced,
/// a suite that cannot be discovered, a binary that cannot be listed, a report input or a history that cannot be
/// read): what a front end catches to print one <c>harness: …</c> line and exit 2. The message names the file or
/// suite and the problem; the cause is kept as the inner exception.
/// </summary>
/// <remarks>
/// It lives in the lowest assembly (Symbols: Tracing and Core depend on it) so that the symbol reader's and the
/// tracer's errors derive from it too; its namespace is the root one, which every <c>Harness.*</c> namespace sees.
/// </remarks>
public abstract class HarnessException : Exception
{
    protected HarnessException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
