using System.Xml;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.DataCollection;

namespace Harness.Collector;

/// <summary>
/// <c>--collect "Native Coverage"</c>: tells the Harness adapter in each test host, through an environment
/// variable, to run the native tests under the breakpoint-coverage tracer and where to write; at the end of the
/// session sends what it wrote as one Cobertura attachment. <see cref="CoberturaMerger"/> then merges the
/// attachments of all test sources into one file.
/// </summary>
[DataCollectorFriendlyName(FriendlyName)]
[DataCollectorTypeUri(UriString)]
[DataCollectorAttachmentProcessor(typeof(CoberturaMerger))]
public sealed class NativeCoverageCollector : DataCollector, ITestExecutionEnvironmentSpecifier
{
    public const string FriendlyName = "Native Coverage";
    public const string UriString = "datacollector://harness/native-coverage";
    public const string FileName = "native.coverage.cobertura.xml";

    // The adapter reads this name (NativeTestExecutor.CoverageDirectoryVariable); the collector must not load the adapter.
    private const string CoverageDirectoryVariable = "HARNESS_COVERAGE_DIR";

    private string? _directory;
    private DataCollectionSink? _sink;
    private DataCollectionLogger? _logger;
    private DataCollectionEnvironmentContext? _context;
    private DataCollectionEvents? _events;

    public override void Initialize(
        XmlElement? configurationElement, DataCollectionEvents events, DataCollectionSink dataSink, DataCollectionLogger logger,
        DataCollectionEnvironmentContext? environmentContext)
    {
        ArgumentNullException.ThrowIfNull(events);
        _sink = dataSink;
        _logger = logger;
        _context = environmentContext;
        _events = events;
        _directory = Path.Combine(Path.GetTempPath(), $"harness-coverage-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        events.SessionEnd += OnSessionEnd;
    }

    public IEnumerable<KeyValuePair<string, string>> GetTestExecutionEnvironmentVariables() =>
        _directory is null ? [] : [KeyValuePair.Create(CoverageDirectoryVariable, _directory)];

    private void OnSessionEnd(object? sender, SessionEndEventArgs e)
    {
        if (_directory is null || _sink is null || _context is null)
        {
            return;
        }
        var files = Directory.GetFiles(_directory, "*.cobertura.xml");
        if (files.Length == 0)
        {
            _logger?.LogWarning(_context.SessionDataCollectionContext, "harness: no native coverage was written (no native tests ran in this test host)");
            return;
        }
        try
        {
            // One test host may run several sources: one file per host, merged across hosts by CoberturaMerger.
            var path = Path.Combine(_directory, FileName);
            CoberturaMerger.Merge(files, path);
            _sink.SendFileAsync(_context.SessionDataCollectionContext, path, deleteFile: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or XmlException or FormatException)
        {
            _logger?.LogError(_context.SessionDataCollectionContext, new IOException($"harness: native coverage in {_directory}: {error.Message}", error));
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _events is not null)
        {
            _events.SessionEnd -= OnSessionEnd;
        }
        base.Dispose(disposing);
    }
}
