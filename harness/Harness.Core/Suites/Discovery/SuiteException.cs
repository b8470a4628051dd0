namespace Harness.Core.Suites.Discovery;

/// <summary>
/// A suite could not be discovered: the path is missing or is no suite, or the build tool failed. The
/// message names the path and the problem; <see cref="ExitCode"/> is set when a tool ran and failed.
/// </summary>
public sealed class SuiteException : HarnessException
{
    public SuiteException(string message)
        : base(message)
    {
    }

    public SuiteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SuiteException(string message, int exitCode)
        : base(message) => ExitCode = exitCode;

    /// <summary>The exit code of the build or listing tool that failed (cargo, ctest), if one ran.</summary>
    public int? ExitCode { get; }
}
