using System.Text.RegularExpressions;
using Harness.TestAdapter;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using VsTestCase = Microsoft.VisualStudio.TestPlatform.ObjectModel.TestCase;

namespace Harness.Adapters.Tests;

/// <summary>
/// The discoverer and executor in process, over a manifest of fixtures/rust (built by <see cref="Fixtures"/>,
/// failing test included), reporting to a recording sink and framework handle.
/// </summary>
public sealed class AdapterTests : IDisposable
{
    private readonly TempDirectory _directory = new("adapter");
    private readonly string _source;

    public AdapterTests()
    {
        var build = Fixtures.Rust(RustFlavour.Default);
        _source = _directory.File("Native.Tests.dll");
        var entry = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["path"] = build.SourceDirectory,
            ["kind"] = "Cargo",
            ["buildEnvironment"] = $"CARGO_TARGET_DIR={build.TargetDirectory}",
            ["filter"] = "calc.lib",
        });
        File.WriteAllText(_directory.File("Native.Tests.harness.jsonl"), entry + "\n");
    }

    private static RunContext Context(string harness = "") =>
        new($"<RunSettings><Harness>{harness}</Harness></RunSettings>", Path.GetTempPath());

    [Fact]
    public void DiscoverTests_CargoSuite_SendsDottedCasesWithLocationTraitsAndHierarchy()
    {
        var sink = new Recording();
        new NativeTestDiscoverer().DiscoverTests([_source], Context(), sink, sink);

        Assert.DoesNotContain(sink.Messages, m => m.Level == Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging.TestMessageLevel.Error);
        var nested = Assert.Single(sink.Discovered, t => t.FullyQualifiedName == "rust.calc.lib.tests.nested.deeper.primes_below_thirty");
        Assert.Equal("tests::nested::deeper::primes_below_thirty", nested.DisplayName);
        Assert.Equal(NativeTestExecutor.Uri, nested.ExecutorUri);
        Assert.Equal(_source, nested.Source);
        Assert.EndsWith("/calc/src/lib.rs", nested.CodeFilePath, StringComparison.Ordinal);
        Assert.True(nested.LineNumber > 0);
        Assert.Contains(nested.Traits, t => t.Name == "Module" && t.Value == "tests::nested::deeper");
        Assert.Equal(["rust.calc.lib", "tests.nested", "deeper", "primes_below_thirty"], (string[])nested.GetPropertyValue(VsTestConversion.Hierarchy)!);
        // The manifest's filter kept only calc's unit tests.
        Assert.All(sink.Discovered, t => Assert.StartsWith("rust.calc.lib.", t.FullyQualifiedName, StringComparison.Ordinal));
    }

    [Fact]
    public void RunTests_SelectedCases_ReportsOnlyThoseWithFailureLocation()
    {
        var sink = new Recording();
        new NativeTestDiscoverer().DiscoverTests([_source], Context(), sink, sink);
        var chosen = sink.Discovered.Where(t => t.DisplayName is "tests::deliberately_fails" or "tests::add_saturates").ToList();
        Assert.Equal(2, chosen.Count);

        var handle = new Recording();
        new NativeTestExecutor().RunTests(chosen, Context(), handle);

        Assert.Equal(chosen.Select(t => t.FullyQualifiedName).Order(), handle.Results.Select(r => r.TestCase.FullyQualifiedName).Order());
        Assert.Equal(chosen.Select(t => t.FullyQualifiedName).Order(), handle.Started.Order());
        var passed = Assert.Single(handle.Results, r => r.TestCase.DisplayName == "tests::add_saturates");
        Assert.Equal(TestOutcome.Passed, passed.Outcome);
        Assert.True(passed.EndTime >= passed.StartTime && passed.Duration > TimeSpan.Zero);
        var failed = Assert.Single(handle.Results, r => r.TestCase.DisplayName == "tests::deliberately_fails");
        Assert.Equal(TestOutcome.Failed, failed.Outcome);
        Assert.False(string.IsNullOrWhiteSpace(failed.ErrorMessage));
        Assert.Matches(new Regex(@"^at tests::deliberately_fails in /.+/calc/src/lib\.rs:line \d+", RegexOptions.Multiline), failed.ErrorStackTrace);
        Assert.Contains(failed.Messages, m => m.Category == TestResultMessage.StandardErrorCategory && m.Text!.Contains("panicked", StringComparison.Ordinal));
    }

    /// <summary>
    /// An IDE's run of two chosen cases: the manifest is gone (a rediscovery would find no suite, so no cargo build and
    /// no listing can happen), and each case's binary is a wrapper that logs its arguments before running the real test
    /// binary: the only processes are the two test runs (<c>--exact NAME</c>), never a <c>--list</c>.
    /// </summary>
    [Fact]
    public void RunTests_SelectedCases_RunFromTheirOwnDataWithoutBuildOrListing()
    {
        var sink = new Recording();
        new NativeTestDiscoverer().DiscoverTests([_source], Context(), sink, sink);
        var chosen = sink.Discovered.Where(t => t.DisplayName is "tests::deliberately_fails" or "tests::add_saturates").ToList();
        Assert.Equal(2, chosen.Count);
        File.Delete(_directory.File("Native.Tests.harness.jsonl"));
        var log = _directory.File("invocations.log");
        foreach (var vs in chosen)
        {
            var engine = VsTestConversion.ToEngineTest(vs)!;
            var wrapper = _directory.File($"wrapper-{vs.DisplayName.Replace(':', '_')}.sh");
            File.WriteAllText(wrapper, $"#!/bin/sh\necho \"$*\" >> '{log}'\nexec '{engine.Binary.Path}' \"$@\"\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            var wrapped = engine with { Binary = engine.Binary with { Path = wrapper } };
            vs.SetPropertyValue(VsTestConversion.EngineTestCase, System.Text.Json.JsonSerializer.Serialize(wrapped, AdapterJson.Default.TestCase));
        }

        var handle = new Recording();
        new NativeTestExecutor().RunTests(chosen, Context(), handle);

        Assert.Equal(chosen.Select(t => t.FullyQualifiedName).Order(), handle.Results.Select(r => r.TestCase.FullyQualifiedName).Order());
        Assert.Equal(TestOutcome.Passed, Assert.Single(handle.Results, r => r.TestCase.DisplayName == "tests::add_saturates").Outcome);
        Assert.Equal(TestOutcome.Failed, Assert.Single(handle.Results, r => r.TestCase.DisplayName == "tests::deliberately_fails").Outcome);
        Assert.Empty(handle.Messages);
        var invocations = File.ReadAllLines(log);
        Assert.Equal(2, invocations.Length);
        Assert.All(invocations, line => Assert.StartsWith("--exact tests::", line, StringComparison.Ordinal));
        Assert.DoesNotContain(invocations, line => line.Contains("--list", StringComparison.Ordinal));
    }

    [Fact]
    public void RunTests_CoverageInRunSettings_WritesCoberturaToRunDirectory()
    {
        var sink = new Recording();
        new NativeTestDiscoverer().DiscoverTests([_source], Context(), sink, sink);
        var handle = new Recording();
        var context = new RunContext("<RunSettings><Harness><Coverage>true</Coverage><Include>calc/src/arith.rs</Include></Harness></RunSettings>", _directory.Path);

        new NativeTestExecutor().RunTests(sink.Discovered.Where(t => t.DisplayName == "tests::gcd_of_pairs"), context, handle);

        var report = Harness.Collector.CoberturaMerger.Read(Assert.Single(Directory.GetFiles(_directory.Path, "*.native.cobertura.xml")));
        var arith = Assert.Single(report.Files);
        Assert.EndsWith("/calc/src/arith.rs", arith.Path, StringComparison.Ordinal);
        Assert.True(arith.LinesCovered > 0 && arith.LinesCovered < arith.LinesValid);
    }

    [Fact]
    public void Cancel_DuringRun_StopsBeforeEveryTestRan()
    {
        var sink = new Recording();
        new NativeTestDiscoverer().DiscoverTests([_source], Context(), sink, sink);
        var executor = new NativeTestExecutor();
        var handle = new Recording { OnResult = _ => executor.Cancel() };

        executor.RunTests([_source], Context("<Jobs>1</Jobs>"), handle);

        Assert.NotEmpty(handle.Results);
        Assert.True(handle.Results.Count < sink.Discovered.Count, $"{handle.Results.Count} of {sink.Discovered.Count} ran after Cancel");
    }

    [Fact]
    public void DiscoverTests_AssemblyWithoutManifest_SendsNothing()
    {
        var sink = new Recording();
        new NativeTestDiscoverer().DiscoverTests([_directory.File("Other.dll")], Context(), sink, sink);
        Assert.Empty(sink.Discovered);
        Assert.Empty(sink.Messages);
    }

    [Fact]
    public void DiscoverTests_SuiteMissing_ReportsErrorNamingIt()
    {
        File.WriteAllText(_directory.File("Broken.harness.jsonl"), "{\"path\":\"/nonexistent/suite\"}\n");
        var sink = new Recording();
        new NativeTestDiscoverer().DiscoverTests([_directory.File("Broken.dll")], Context(), sink, sink);
        Assert.Empty(sink.Discovered);
        Assert.Contains(sink.Messages, m => m.Message.Contains("/nonexistent/suite", StringComparison.Ordinal));
    }

    public void Dispose() => _directory.Dispose();
}
