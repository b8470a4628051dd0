using Harness.Core.Runs;
using Harness.Reporters.Coverage;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;

namespace Harness.TestAdapter;

/// <summary>Writes a source's native coverage as one Cobertura file when its run finishes (the collector merges the files of all sources).</summary>
internal sealed class CoberturaFileSink(string source, string directory, IMessageLogger logger) : IRunSink
{
    public void Handle(RunEvent runEvent)
    {
        if (runEvent is not RunFinished { Summary: { CoverageReport: { } report, Coverage: { } coverage } })
        {
            return;
        }
        var path = Path.Combine(directory, $"{Path.GetFileNameWithoutExtension(source)}.{Guid.NewGuid():N}.native.cobertura.xml");
        try
        {
            Directory.CreateDirectory(directory);
            using (var file = File.Create(path))
            {
                CoverageWriters.Create("cobertura").Write(report, file);
            }
            foreach (var warning in coverage.Planner.Warnings)
            {
                logger.SendMessage(TestMessageLevel.Warning, $"harness: coverage: {warning}");
            }
            logger.SendMessage(TestMessageLevel.Informational,
                $"harness: native coverage {report.LinesCovered}/{report.LinesValid} lines in {report.Files.Count} files: {path}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.SendMessage(TestMessageLevel.Error, $"harness: {path}: cannot write coverage: {e.Message}");
        }
    }
}
