using System.Xml;
using Harness.Core.Coverage;
using Harness.Core.Reports;
using Harness.Reporters.Coverage;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.DataCollection;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;

namespace Harness.Collector;

/// <summary>
/// Merges the Native Coverage attachments of a run (one per test host, so one per test source) into one
/// Cobertura file with the engine's merge (<see cref="CoverageMerge"/>: hits add up, branches and functions merge)
/// and the same writer <c>harness report</c> uses.
/// </summary>
public sealed class CoberturaMerger : IDataCollectorAttachmentProcessor
{
    public bool SupportsIncrementalProcessing => true;

    public IEnumerable<Uri> GetExtensionUris() => [new Uri(NativeCoverageCollector.UriString)];

    public Task<ICollection<AttachmentSet>> ProcessAttachmentSetsAsync(
        XmlElement configurationElement, ICollection<AttachmentSet> attachments, IProgress<int> progressReporter, IMessageLogger logger,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        var ours = attachments.Where(set => set.Uri == new Uri(NativeCoverageCollector.UriString)).ToList();
        var files = ours.SelectMany(set => set.Attachments).Select(a => a.Uri.LocalPath).Where(File.Exists).ToList();
        if (files.Count < 2)
        {
            return Task.FromResult(attachments);
        }
        cancellationToken.ThrowIfCancellationRequested();
        var directory = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(files[0])!)!, Guid.NewGuid().ToString());
        var merged = Path.Combine(directory, NativeCoverageCollector.FileName);
        try
        {
            Directory.CreateDirectory(directory);
            Merge(files, merged);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ReportInputException)
        {
            logger?.SendMessage(TestMessageLevel.Warning, $"harness: could not merge native coverage ({e.Message}); keeping the files apart");
            return Task.FromResult(attachments);
        }
        foreach (var file in files)
        {
            File.Delete(file);
        }
        var set = new AttachmentSet(new Uri(NativeCoverageCollector.UriString), NativeCoverageCollector.FriendlyName);
        set.Attachments.Add(UriDataAttachment.CreateFrom(merged, NativeCoverageCollector.FriendlyName));
        ICollection<AttachmentSet> result = [.. attachments.Except(ours), set];
        progressReporter?.Report(100);
        return Task.FromResult(result);
    }

    /// <summary>Merges Cobertura files written by <see cref="CoberturaWriter"/> into <paramref name="output"/>.</summary>
    public static void Merge(IReadOnlyList<string> inputs, string output)
    {
        var report = CoverageMerge.Merge(inputs.Select(Read));
        var temporary = output + ".tmp";
        using (var file = File.Create(temporary))
        {
            new CoberturaWriter().Write(report, file);
        }
        File.Move(temporary, output, overwrite: true);
    }

    /// <summary>Reads a Cobertura file back into the model with the report readers (hostile XML refused there).</summary>
    internal static CoverageReport Read(string path) => ReportInputs.Read(new InputFile(path)).Coverage;
}
