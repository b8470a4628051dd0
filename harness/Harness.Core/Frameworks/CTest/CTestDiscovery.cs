using System.Globalization;
using System.Text;
using System.Text.Json;
using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Processes;
using Harness.Core.Suites.Discovery;

namespace Harness.Core.Frameworks.CTest;

/// <summary>
/// A CMake build directory's tests as CTest lists them (<c>ctest --show-only=json-v1</c>): one
/// <see cref="TestBinary"/> per CTest test, carrying its command line, WORKING_DIRECTORY, ENVIRONMENT,
/// TIMEOUT and LABELS, named as ctest shows it (<c>a.b</c>, <c>dt pass</c>: the name is the entry's identity in every
/// report, and CTest keeps names unique). A gtest or Catch2 executable becomes that framework, so the driver expands it into
/// its own tests; any other command is one <see cref="TestFramework.Plain"/> test, as CTest sees it.
/// </summary>
internal static class CTestDiscovery
{
    public static IReadOnlyList<TestBinary> Discover(string buildDirectory, IReadOnlyDictionary<string, string?>? environment, Action<string> output)
    {
        var json = new StringBuilder();
        var errors = new List<string>();
        var exitCode = ToolProcess.Run(
            "ctest", ["--show-only=json-v1"], buildDirectory, environment,
            line => json.AppendLine(line),
            line =>
            {
                lock (errors)
                {
                    errors.Add(line);
                }
                output(line);
            },
            buildDirectory);
        if (exitCode != 0)
        {
            throw new SuiteException(
                $"{buildDirectory}: ctest --show-only=json-v1 failed with exit code {exitCode}{SuiteDiscovery.Tail(errors)}", exitCode);
        }

        var suite = ProjectName(buildDirectory) ?? Path.GetFileName(buildDirectory);
        try
        {
            using var document = JsonDocument.Parse(json.ToString());
            return CTestDiscoveredTests.Merge(Parse(document.RootElement, SuiteDiscovery.IdPart(suite), buildDirectory, output));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new SuiteException($"{buildDirectory}: ctest printed a test list that is not json-v1 ({e.Message})", e);
        }
    }

    private static List<TestBinary> Parse(JsonElement root, string suite, string buildDirectory, Action<string> output)
    {
        var binaries = new List<TestBinary>();
        if (!root.TryGetProperty("tests", out var tests))
        {
            return binaries;
        }
        var declarations = Declarations(root);
        foreach (var test in tests.EnumerateArray())
        {
            var name = test.GetProperty("name").GetString()!;
            // A test whose executable target does not exist in this configuration has no command; CTest
            // itself reports it as "Not Run", so it is left out rather than failing the whole suite.
            if (!test.TryGetProperty("command", out var command) || command.GetArrayLength() == 0)
            {
                output($"ctest: test {name} has no command in {buildDirectory}; skipped");
                continue;
            }
            var words = command.EnumerateArray().Select(word => word.GetString()!).ToList();

            var workingDirectory = buildDirectory;
            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            var changes = new List<EnvironmentChange>();
            TimeSpan? timeout = null;
            var labels = new List<string>();
            var ctest = new CTestProperties(name);
            if (test.TryGetProperty("properties", out var properties))
            {
                foreach (var property in properties.EnumerateArray())
                {
                    var value = property.GetProperty("value");
                    switch (property.GetProperty("name").GetString())
                    {
                        case "WORKING_DIRECTORY":
                            workingDirectory = value.GetString()!;
                            break;
                        case "ENVIRONMENT":
                            foreach (var entry in Strings(value))
                            {
                                var equals = entry.IndexOf('=', StringComparison.Ordinal);
                                if (equals > 0)
                                {
                                    variables[entry[..equals]] = entry[(equals + 1)..];
                                }
                            }
                            break;
                        case "ENVIRONMENT_MODIFICATION":
                            foreach (var entry in Strings(value))
                            {
                                changes.Add(EnvironmentChange.Parse(entry)
                                    ?? throw new SuiteException($"{buildDirectory}: test {name}: ENVIRONMENT_MODIFICATION '{entry}' is not NAME=OP:VALUE with OP one of {string.Join(", ", EnvironmentChange.Operations)}"));
                            }
                            break;
                        case "TIMEOUT":
                            // CTest reads a zero (or negative) TIMEOUT as "no limit".
                            timeout = Number(value) is var seconds and > 0 ? TimeSpan.FromSeconds(seconds) : null;
                            break;
                        case "LABELS":
                            labels.AddRange(Strings(value));
                            break;
                        case "WILL_FAIL":
                            ctest = ctest with { WillFail = Bool(value) };
                            break;
                        case "PASS_REGULAR_EXPRESSION":
                            ctest = ctest with { PassRegularExpressions = [.. Strings(value)] };
                            break;
                        case "FAIL_REGULAR_EXPRESSION":
                            ctest = ctest with { FailRegularExpressions = [.. Strings(value)] };
                            break;
                        case "SKIP_REGULAR_EXPRESSION":
                            ctest = ctest with { SkipRegularExpressions = [.. Strings(value)] };
                            break;
                        case "SKIP_RETURN_CODE":
                            ctest = ctest with { SkipReturnCode = (int)Number(value) };
                            break;
                        case "DISABLED":
                            ctest = ctest with { Disabled = Bool(value) };
                            break;
                        case "REQUIRED_FILES":
                            ctest = ctest with { RequiredFiles = [.. Strings(value)] };
                            break;
                        case "DEPENDS":
                            ctest = ctest with { Depends = [.. Strings(value)] };
                            break;
                        case "FIXTURES_SETUP":
                            ctest = ctest with { FixturesSetup = [.. Strings(value)] };
                            break;
                        case "FIXTURES_CLEANUP":
                            ctest = ctest with { FixturesCleanup = [.. Strings(value)] };
                            break;
                        case "FIXTURES_REQUIRED":
                            ctest = ctest with { FixturesRequired = [.. Strings(value)] };
                            break;
                        case "RESOURCE_LOCK":
                            ctest = ctest with { ResourceLocks = [.. Strings(value)] };
                            break;
                        case "RUN_SERIAL":
                            ctest = ctest with { RunSerial = Bool(value) };
                            break;
                        case "PROCESSORS":
                            ctest = ctest with { Processors = Math.Max(1, (int)Number(value)) };
                            break;
                    }
                }
            }

            var executable = words[0];
            var framework = Path.IsPathRooted(executable) ? FrameworkDetection.Detect(executable) : TestFramework.Plain;
            // An entry that passes its framework options of its own (SelfTest --list-tests, a reporter, a pattern) is run
            // as its command says; only a whole binary or a one-test selection (gtest_discover_tests) is expanded.
            if (words.Count > 1 && !CTestDiscoveredTests.SelectsOneTest(framework, words[1..]))
            {
                framework = TestFramework.Plain;
            }
            binaries.Add(new TestBinary(
                executable, suite, name, framework, workingDirectory,
                variables, words[1..], timeout, labels)
            {
                EnvironmentChanges = changes,
                CTest = ctest,
                DeclaredAt = test.TryGetProperty("backtrace", out var node) && node.TryGetInt32(out var index)
                    && index >= 0 && index < declarations.Count ? declarations[index] : null,
            });
        }
        return binaries;
    }

    /// <summary>
    /// The source location of each node of json-v1's <c>backtraceGraph</c>: a test's <c>backtrace</c> names the node
    /// of its <c>add_test</c> call (<c>gtest_discover_tests</c> entries have none).
    /// </summary>
    private static List<SourceLocation?> Declarations(JsonElement root)
    {
        var locations = new List<SourceLocation?>();
        if (!root.TryGetProperty("backtraceGraph", out var graph)
            || !graph.TryGetProperty("files", out var filesElement) || !graph.TryGetProperty("nodes", out var nodes))
        {
            return locations;
        }
        var files = filesElement.EnumerateArray().Select(f => f.GetString()).ToList();
        foreach (var node in nodes.EnumerateArray())
        {
            string? path = null;
            var lineNumber = 0;
            if (node.TryGetProperty("file", out var file) && file.TryGetInt32(out var index) && index >= 0 && index < files.Count)
            {
                path = files[index];
            }
            if (node.TryGetProperty("line", out var line))
            {
                line.TryGetInt32(out lineNumber);
            }
            locations.Add(path is { Length: > 0 } && lineNumber > 0 ? new SourceLocation(path, lineNumber) : null);
        }
        return locations;
    }

    private static double Number(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? value.GetDouble() : double.Parse(value.GetString()!, CultureInfo.InvariantCulture);

    /// <summary>CMake's truth: json-v1 writes booleans as JSON booleans; a string is read as CMake reads a constant.</summary>
    private static bool Bool(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => value.GetDouble() != 0,
        _ => value.GetString()!.ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE" or "Y",
    };

    // CTest prints a one-item list property as a plain string.
    private static IEnumerable<string> Strings(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(item => item.GetString()!)
            : [value.GetString()!];

    /// <summary>CMAKE_PROJECT_NAME from the build directory's CMakeCache.txt, if it is there.</summary>
    internal static string? ProjectName(string buildDirectory)
    {
        var cache = Path.Combine(buildDirectory, "CMakeCache.txt");
        if (!File.Exists(cache))
        {
            return null;
        }
        const string Key = "CMAKE_PROJECT_NAME:";
        foreach (var line in File.ReadLines(cache))
        {
            if (line.StartsWith(Key, StringComparison.Ordinal) && line.IndexOf('=', StringComparison.Ordinal) is var equals and > 0)
            {
                var name = line[(equals + 1)..].Trim();
                return name.Length > 0 ? name : null;
            }
        }
        return null;
    }
}
