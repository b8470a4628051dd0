using System.Security.Cryptography;

namespace Harness.Core.Tests;

/// <summary>
/// Builds a C++ program of TestData/ once into the fixture cache, keyed by the source's hash, under a file lock
/// shared with parallel test processes (Catch2's single header alone takes ~15 s to compile).
/// </summary>
internal static class TestDataProgram
{
    private static readonly Dictionary<string, Lazy<string>> Built = [];

    public static string Catch2Names() => Build("catch2_names.cpp");

    public static string Catch2Crash() => Build("catch2_crash.cpp");

    public static string Catch2Batch() => Build("catch2_batch.cpp");

    public static string GoogleTestBatch() => Build("gtest_batch.cpp", "-lgtest", "-lgtest_main", "-pthread");

    /// <summary>A libtest binary (<c>rustc --test</c>) of TestData/libtest_failures.rs.</summary>
    public static string LibTestFailures() => Build("libtest_failures.rs");

    private static string Build(string file, params string[] libraries)
    {
        Lazy<string> lazy;
        lock (Built)
        {
            if (!Built.TryGetValue(file, out lazy!))
            {
                Built[file] = lazy = new Lazy<string>(() => BuildOnce(file, libraries));
            }
        }
        return lazy.Value;
    }

    private static string BuildOnce(string file, string[] libraries)
    {
        var source = Path.Combine(Repository.Root, "tests", "Harness.Core.Tests", "TestData", file);
        var name = Path.GetFileNameWithoutExtension(file);
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(source)))[..16];
        var output = Path.Combine(Repository.FixtureCache, $"{name.Replace('_', '-')}-{hash}");
        var executable = Path.Combine(output, name);
        Directory.CreateDirectory(output);
        using var _ = FileLock.Acquire(output + ".lock", TimeSpan.FromMinutes(5));
        if (!File.Exists(executable))
        {
            var compile = file.EndsWith(".rs", StringComparison.Ordinal)
                ? ProcessRunner.Run("rustc", ["--test", "-g", "--edition", "2021", source, "-o", executable + ".tmp"])
                : ProcessRunner.Run("g++", ["-std=c++17", "-g", "-O0", source, "-o", executable + ".tmp", .. libraries]);
            compile.EnsureSuccess($"compiling {file}");
            File.Move(executable + ".tmp", executable);
        }
        return executable;
    }
}
