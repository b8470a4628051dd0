using System.Security.Cryptography;

namespace Harness.Core.Tests.Execution;

/// <summary>Builds TestData/catch2_crash.cpp once into the fixture cache, keyed by the source's hash (as Catch2NamesProgram does).</summary>
internal static class Catch2CrashProgram
{
    private static readonly Lazy<string> Executable = new(BuildOnce);

    public static string Build() => Executable.Value;

    private static string BuildOnce()
    {
        var source = Path.Combine(Repository.Root, "tests", "Harness.Core.Tests", "Execution", "TestData", "catch2_crash.cpp");
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(source)))[..16];
        var output = Path.Combine(Repository.FixtureCache, $"catch2-crash-{hash}");
        var executable = Path.Combine(output, "catch2_crash");
        Directory.CreateDirectory(output);
        using var _ = FileLock.Acquire(output + ".lock", TimeSpan.FromMinutes(5));
        if (!File.Exists(executable))
        {
            ProcessRunner.Run("g++", ["-std=c++17", "-g", "-O0", source, "-o", executable + ".tmp"])
                .EnsureSuccess("compiling catch2_crash.cpp");
            File.Move(executable + ".tmp", executable);
        }
        return executable;
    }
}
