using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Harness.Core.Model;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using EngineOutcome = Harness.Core.Model.TestOutcome;
using EngineResult = Harness.Core.Model.TestResult;
using EngineTest = Harness.Core.Model.TestCase;
using VsTestCase = Microsoft.VisualStudio.TestPlatform.ObjectModel.TestCase;
using VsTestOutcome = Microsoft.VisualStudio.TestPlatform.ObjectModel.TestOutcome;
using VsTestResult = Microsoft.VisualStudio.TestPlatform.ObjectModel.TestResult;

namespace Harness.TestAdapter;

/// <summary>
/// The one place the engine's model becomes VSTest's (STYLE.md §1): test cases for discovery and results for
/// execution. Names stay dotted (<c>rust.calc.lib.tests.adds</c>) so TRX and JUnit derive classes from the dots;
/// the framework's own name is the display name.
/// </summary>
internal static class VsTestConversion
{
    /// <summary>
    /// The hierarchy test explorers group by, under the id MSTest and xunit use: container, namespace, class,
    /// test group. Registered once per process by the object model itself (Register returns the existing one).
    /// </summary>
    public static readonly TestProperty Hierarchy = TestProperty.Register(
        "TestCase.Hierarchy", "Hierarchy", typeof(string[]), TestPropertyAttributes.Immutable, typeof(TestObject));

    /// <summary>
    /// The engine's whole test case (binary, working directory, environment, framework name…) as JSON: an IDE's run
    /// of chosen tests hands the cases back, and they run from this alone, with no build and no listing.
    /// </summary>
    public static readonly TestProperty EngineTestCase = TestProperty.Register(
        "Harness.TestCase", "Harness test case", typeof(string), TestPropertyAttributes.Hidden, typeof(TestObject));

    /// <summary>The engine's test case a VSTest case carries, or null when it carries none (or one this version cannot read).</summary>
    public static EngineTest? ToEngineTest(VsTestCase vs)
    {
        ArgumentNullException.ThrowIfNull(vs);
        if (vs.GetPropertyValue(EngineTestCase) is not string { Length: > 0 } json)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(json, AdapterJson.Default.TestCase) is { } test && test.FullyQualifiedName == vs.FullyQualifiedName ? test : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static VsTestCase ToVsTestCase(EngineTest test, string source)
    {
        var vs = new VsTestCase(test.FullyQualifiedName, NativeTestExecutor.Uri, source)
        {
            DisplayName = test.DisplayName,
            CodeFilePath = test.SourceFile,
            LineNumber = test.SourceLine ?? 0,
        };
        foreach (var trait in test.Traits)
        {
            vs.Traits.Add(trait.Name, trait.Value);
        }
        foreach (var label in test.Binary.Labels)
        {
            vs.Traits.Add("Label", label);
        }
        vs.Traits.Add("Suite", test.Binary.Suite);
        vs.Traits.Add("Framework", test.Binary.Framework.ToString());
        vs.SetPropertyValue(Hierarchy, HierarchyOf(test));
        vs.SetPropertyValue(EngineTestCase, JsonSerializer.Serialize(test, AdapterJson.Default.TestCase));
        return vs;
    }

    /// <summary>
    /// Container = suite and binary (<c>rust.calc.lib</c>); namespace = the modules above the test's own;
    /// class = its innermost module or gtest suite; group = the test. Frameworks without modules get empty levels.
    /// </summary>
    internal static string[] HierarchyOf(EngineTest test)
    {
        var container = $"{test.Binary.Suite}.{test.Binary.BinaryId}";
        var rest = test.FullyQualifiedName.StartsWith(container + ".", StringComparison.Ordinal)
            ? test.FullyQualifiedName[(container.Length + 1)..]
            : test.FullyQualifiedName;
        var parts = rest.Split('.');
        var name = parts[^1];
        var type = parts.Length >= 2 ? parts[^2] : "";
        var space = parts.Length >= 3 ? string.Join('.', parts[..^2]) : "";
        return [container, space, type, name];
    }

    public static VsTestResult ToVsTestResult(FinishedTest finished, VsTestCase vs)
    {
        var result = finished.Result;
        var vsResult = new VsTestResult(vs)
        {
            Outcome = result.Outcome switch
            {
                EngineOutcome.Passed => VsTestOutcome.Passed,
                EngineOutcome.Skipped => VsTestOutcome.Skipped,
                _ when result.Outcome.IsFailure() => VsTestOutcome.Failed,
                EngineOutcome.NotRun => VsTestOutcome.Skipped,
                _ => VsTestOutcome.None,
            },
            Duration = result.Duration,
            StartTime = result.Started,
            EndTime = result.Started + result.Duration,
            ComputerName = Environment.MachineName,
            DisplayName = vs.DisplayName,
        };
        if (result.StandardOutput.Length > 0)
        {
            vsResult.Messages.Add(new TestResultMessage(TestResultMessage.StandardOutCategory, result.StandardOutput));
        }
        if (result.StandardError.Length > 0)
        {
            vsResult.Messages.Add(new TestResultMessage(TestResultMessage.StandardErrorCategory, result.StandardError));
        }
        if (finished.Attempts > 1)
        {
            var note = finished.IsFlaky
                ? $"flaky: passed on attempt {finished.Attempts}"
                : $"failed {finished.Attempts} attempts";
            vsResult.Messages.Add(new TestResultMessage(TestResultMessage.AdditionalInfoCategory, note));
        }
        if (result.Outcome.IsFailure())
        {
            vsResult.ErrorMessage = ErrorMessage(result);
            vsResult.ErrorStackTrace = StackTrace(result);
        }
        else if (result.Outcome == EngineOutcome.Skipped && result.FailureMessage is { } reason)
        {
            vsResult.Messages.Add(new TestResultMessage(TestResultMessage.AdditionalInfoCategory, reason));
        }
        return vsResult;
    }

    private static string ErrorMessage(EngineResult result)
    {
        var prefix = result.Outcome switch
        {
            EngineOutcome.TimedOut => "timed out: ",
            EngineOutcome.Crashed => result.Signal is { } signal ? $"crashed (signal {signal}): " : "crashed: ",
            _ => "",
        };
        return prefix + (result.FailureMessage ?? (result.ExitCode is { } code ? $"exit code {code}" : "failed"));
    }

    /// <summary>
    /// A .NET-shaped frame (<c>at NAME in FILE:line N</c>) pointing at the failing assertion, else at the test:
    /// test explorers and CI annotators turn exactly this shape into a link to the line.
    /// </summary>
    internal static string? StackTrace(EngineResult result)
    {
        var frames = new StringBuilder();
        if (result.FailureFile is { } file && result.FailureLine is { } line)
        {
            frames.Append(CultureInfo.InvariantCulture, $"at {result.Test.DisplayName} in {file}:line {line}");
        }
        if (result.Test.SourceFile is { } testFile && result.Test.SourceLine is { } testLine
            && !(testFile == result.FailureFile && testLine == result.FailureLine))
        {
            if (frames.Length > 0)
            {
                frames.Append('\n');
            }
            frames.Append(CultureInfo.InvariantCulture, $"at {result.Test.FullyQualifiedName} in {testFile}:line {testLine}");
        }
        return frames.Length == 0 ? null : frames.ToString();
    }
}

[JsonSerializable(typeof(EngineTest))]
internal sealed partial class AdapterJson : JsonSerializerContext;
