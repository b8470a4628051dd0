using System.Globalization;
using Harness.Testing;

namespace Harness.Symbols.Tests.Support;

/// <summary>One row of <c>harness lines</c>: address, absolute file, line, column.</summary>
internal readonly record struct CliLine(ulong Address, string File, int Line, int Column);

/// <summary>One row of <c>harness functions</c>: [Low, High), qualified name, declaration file and line.</summary>
internal readonly record struct CliFunction(ulong Low, ulong High, string Name, string DeclFile, int DeclLine);

/// <summary>
/// Runs the real <c>harness</c> command as a separate process (its Program.cs is top-level statements):
/// <c>dotnet harness.dll</c>, where the project reference copied harness.dll next to this assembly.
/// </summary>
internal static class HarnessCli
{
    public static string AssemblyPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "harness.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"harness.dll is not next to the test assembly in {AppContext.BaseDirectory}", path);
        }
    }

    public static ProcessResult Run(params string[] arguments) =>
        ProcessRunner.Run(DotnetHost(), [AssemblyPath, .. arguments], timeout: TimeSpan.FromMinutes(2));

    /// <summary>Runs a command that must succeed silently on stderr and returns its stdout.</summary>
    public static string Output(params string[] arguments)
    {
        var result = Run(arguments);
        if (result.ExitCode != 0 || result.StandardError.Length != 0)
        {
            throw new InvalidOperationException($"harness {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.StandardError}");
        }
        return result.StandardOutput;
    }

    public static List<CliLine> Lines(string binary, bool all = false)
    {
        var rows = new List<CliLine>();
        foreach (var line in SplitLines(Output(all ? ["lines", "--all", binary] : ["lines", binary])))
        {
            var fields = line.Split('\t');
            Assert.True(fields.Length == 4, $"harness lines row does not have 4 tab-separated fields: '{line}'");
            rows.Add(new CliLine(ParseAddress(fields[0], line), fields[1], Int(fields[2], line), Int(fields[3], line)));
        }
        return rows;
    }

    public static List<CliFunction> Functions(string binary)
    {
        var rows = new List<CliFunction>();
        foreach (var line in SplitLines(Output("functions", binary)))
        {
            var fields = line.Split('\t');
            Assert.True(fields.Length == 4, $"harness functions row does not have 4 tab-separated fields: '{line}'");
            var colon = fields[3].LastIndexOf(':');
            Assert.True(colon > 0, $"declaration is not FILE:LINE in '{line}'");
            rows.Add(new CliFunction(ParseAddress(fields[0], line), ParseAddress(fields[1], line), fields[2], fields[3][..colon], Int(fields[3][(colon + 1)..], line)));
        }
        return rows;
    }

    private static IEnumerable<string> SplitLines(string output)
    {
        Assert.True(output.Length == 0 || output.EndsWith('\n'), "output does not end with a newline");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static ulong ParseAddress(string text, string line)
    {
        Assert.True(text.StartsWith("0x", StringComparison.Ordinal), $"address without 0x in '{line}'");
        return ulong.Parse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    private static int Int(string text, string line) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : throw new FormatException($"not a number: '{text}' in '{line}'");

    // The host running this test (DOTNET_HOST_PATH is set by the SDK for the processes it starts).
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
}
