namespace Harness.Testing;

/// <summary>Where the repository and its fixtures are, found from the test assembly's location.</summary>
public static class Repository
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string FixturesDirectory => Path.Combine(Root, "fixtures");

    /// <summary>Build outputs of fixtures, shared by all test processes of a run; override with HARNESS_FIXTURE_CACHE.</summary>
    public static string FixtureCache =>
        Environment.GetEnvironmentVariable("HARNESS_FIXTURE_CACHE") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Root, "artifacts", "fixtures");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Harness.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"Harness.sln not found above {AppContext.BaseDirectory}");
    }
}
