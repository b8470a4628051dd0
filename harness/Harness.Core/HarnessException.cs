namespace Harness.Core;

/// <summary>
/// The root of the engine's own errors (a suite that cannot be discovered, a binary that cannot be listed, a
/// report input or a history that cannot be read): what a front end catches to print one <c>harness: …</c> line
/// and exit 2. The message names the file or suite and the problem; the cause is kept as the inner exception.
/// </summary>
public abstract class HarnessException : Exception
{
    protected HarnessException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
