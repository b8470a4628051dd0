using Harness.Testing;

namespace Harness.EndToEnd.Tests.Support;

/// <summary>The fixtures/c-trace programs (-O0), built once for all tests (and cached across test processes).</summary>
internal static class CTrace
{
    public static string Program(string name) => Fixtures.CMake("c-trace", CFlavour.O0).Output(name);

    public static string SourcePath(string fileName) => Path.Combine(Repository.FixturesDirectory, "c-trace", "src", fileName);
}
