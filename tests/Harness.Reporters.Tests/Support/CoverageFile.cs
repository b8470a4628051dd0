using Harness.Core.Coverage;
using Harness.Reporters.Coverage;

namespace Harness.Reporters.Tests.Support;

internal static class CoverageFile
{
    /// <summary>Writes <paramref name="report"/> with <paramref name="writer"/> into <paramref name="directory"/> under the writer's default name.</summary>
    public static string Write(ICoverageWriter writer, CoverageReport report, string directory)
    {
        var path = Path.Combine(directory, writer.DefaultFileName);
        using (var stream = File.Create(path))
        {
            writer.Write(report, stream);
        }
        return path;
    }

    public static byte[] Bytes(ICoverageWriter writer, CoverageReport report)
    {
        using var stream = new MemoryStream();
        writer.Write(report, stream);
        return stream.ToArray();
    }
}
