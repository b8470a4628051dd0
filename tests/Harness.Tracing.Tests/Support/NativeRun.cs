using System.Diagnostics;

namespace Harness.Tracing.Tests.Support;

/// <summary>
/// How a program ends when run without the tracer, with its output as bytes.
/// <see cref="ExitCode"/> follows .NET's <see cref="Process.ExitCode"/>, which folds a death by signal N into
/// 128 + N (the shell convention; <see cref="NativeRunTests"/> pins this down): compare it with
/// <see cref="Harness.Tracing.TraceResult.ShellStatus"/>, not with <c>ExitCode</c>.
/// </summary>
internal sealed record NativeRun(int ExitCode, byte[] StandardOutput, byte[] StandardError)
{
    public static NativeRun Start(string program, IReadOnlyList<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        process.StandardInput.Close();
        var output = CopyAsync(process.StandardOutput.BaseStream);
        var error = CopyAsync(process.StandardError.BaseStream);
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish natively in 2 minutes");
        }
        return new NativeRun(process.ExitCode, output.Result, error.Result);
    }

    private static async Task<byte[]> CopyAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
