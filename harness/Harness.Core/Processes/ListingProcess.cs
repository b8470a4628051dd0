using System.ComponentModel;
using Harness.Core.Frameworks;
using Harness.Core.Model;

namespace Harness.Core.Processes;

/// <summary>
/// Runs a test binary's listing command the way its build system runs it (<see cref="TestProcessStart"/>: the binary's
/// fixed arguments first, its working directory and extra environment), through <see cref="ToolProcess"/>.
/// </summary>
internal static class ListingProcess
{
    /// <summary>Listing only prints names; a binary that takes longer is hung (or waiting on something we cannot give it).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static ListingOutput Run(TestBinary binary, IEnumerable<string> arguments)
    {
        try
        {
            var output = ToolProcess.Capture(TestProcessStart.For(binary, arguments), Timeout);
            return new ListingOutput(output.ExitCode, output.StandardOutput, output.StandardError);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
        {
            throw new TestListingException(binary, $"could not start it in {binary.WorkingDirectory}: {e.Message}", inner: e);
        }
        catch (TimeoutException e)
        {
            throw new TestListingException(binary, $"it did not finish within {Timeout.TotalSeconds:0} s", standardError: e.Message);
        }
    }

    /// <summary>Runs and requires exit code 0.</summary>
    public static ListingOutput RunExpectingSuccess(TestBinary binary, IEnumerable<string> arguments, string what)
    {
        var result = Run(binary, arguments);
        if (result.ExitCode != 0)
        {
            throw new TestListingException(binary, $"{what} failed", result.ExitCode, result.StandardError);
        }
        return result;
    }
}

/// <summary>What a listing run printed.</summary>
internal sealed record ListingOutput(int ExitCode, string StandardOutput, string StandardError);
