using Harness.Core.Model;

namespace Harness.Core.Frameworks;

/// <summary>
/// The one error listing raises: the binary could not be started, exited badly, timed out, or printed a
/// listing we cannot read. The message names the binary and the problem, with the exit code and the end of
/// stderr when there was a process.
/// </summary>
public sealed class TestListingException : HarnessException
{
    // Enough stderr to show a loader error or a panic message, not a whole log.
    private const int StandardErrorExcerpt = 600;

    public TestListingException(TestBinary binary, string problem, int? exitCode = null, string? standardError = null, Exception? inner = null)
        : base(Describe(binary, problem, exitCode, standardError), inner)
    {
        BinaryPath = binary.Path;
        Problem = problem;
        ExitCode = exitCode;
        StandardError = standardError;
    }

    public string BinaryPath { get; }

    public string Problem { get; }

    public int? ExitCode { get; }

    public string? StandardError { get; }

    private static string Describe(TestBinary binary, string problem, int? exitCode, string? standardError)
    {
        var message = $"listing the tests of {binary.Path} ({binary.Suite}.{binary.BinaryId}, {binary.Framework}) failed: {problem}";
        if (exitCode is { } code)
        {
            message += $" (exit code {code})";
        }
        var error = standardError?.Trim();
        if (!string.IsNullOrEmpty(error))
        {
            message += "; stderr: " + (error.Length > StandardErrorExcerpt ? "…" + error[^StandardErrorExcerpt..] : error);
        }
        return message;
    }
}
