using System.Security.Cryptography;

namespace Harness.Core.Tests.Frameworks;

/// <summary>
/// Builds TestData/catch2_names.cpp (Catch2's single header takes ~15 s to compile) once into the fixture
/// cache, keyed by the source's hash, under a file lock shared with parallel test processes.
/// </summary>
internal static class Catch2NamesProgram
{
    private static readonly Lazy<string> Executable = new(BuildOnce);

    public static string Build() => Executable.Value;

    private static string BuildOnce()
    {
        var source = Path.Combine(Repository.Root, "tests", "Harness.Core.Tests", "Frameworks", "TestData", "catch2_names.cpp");
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(source)))[..16];
        var output = Path.Combine(Repository.FixtureCache, $"catch2-names-{hash}");
        var executable = Path.Combine(output, "catch2_names");
        Directory.CreateDirectory(output);
        using var _ = FileLock.Acquire(output + ".lock", TimeSpan.FromMinutes(5));
        if (!File.Exists(executable))
        {
            ProcessRunner.Run("g++", ["-std=c++17", "-g", "-O0", source, "-o", executable + ".tmp"])
                .EnsureSuccess("compiling catch2_names.cpp");
            File.Move(executable + ".tmp", executable);
        }
        return executable;
    }
}
