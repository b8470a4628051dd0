using System.ComponentModel;
using System.Diagnostics;
using Harness.Core.Frameworks;
using Harness.Core.Model;

namespace Harness.Core.Processes;

/// <summary>What a listing run printed.</summary>
internal sealed record ListingOutput(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs a test binary's listing command the way its build system runs it: the binary's fixed arguments
/// first, its working directory and extra environment, never through a shell.
/// </summary>
internal static class ListingProcess
{
    /// <summary>Listing only prints names; a binary that takes longer is hung (or waiting on something we cannot give it).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static ListingOutput Run(TestBinary binary, IEnumerable<string> arguments)
    {
        var start = TestProcessStart.For(binary, arguments);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new TestListingException(binary, "the process did not start");
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
        {
            throw new TestListingException(binary, $"could not start it in {binary.WorkingDirectory}: {e.Message}", inner: e);
        }

        using (process)
        {
            // A listing never reads stdin; closing it turns "waiting for input" into EOF instead of a timeout.
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new TestListingException(binary, $"it did not finish within {Timeout.TotalSeconds:0} s", standardError: error.Result);
            }
            process.WaitForExit();
            return new ListingOutput(process.ExitCode, output.Result, error.Result);
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
