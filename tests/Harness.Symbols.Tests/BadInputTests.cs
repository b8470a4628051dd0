using System.Buffers.Binary;
using System.Collections.Concurrent;
using Harness.Symbols.Tests.Support;
using Harness.Testing;

namespace Harness.Symbols.Tests;

/// <summary>
/// Files that are not usable binaries, made once per test class in a temp directory: each must be rejected
/// with one clear line naming the file, by the API (a <see cref="SymbolReadException"/>) and by the CLI.
/// </summary>
public sealed class BadInputFiles : IDisposable
{
    private readonly TempDirectory _directory = new("bad-input");
    private readonly ConcurrentDictionary<string, Lazy<string>> _files = new();

    /// <summary>The path of the bad input named <paramref name="kind"/>, created on first use.</summary>
    public string Get(string kind) => _files.GetOrAdd(kind, k => new Lazy<string>(() => Create(k))).Value;

    public void Dispose() => _directory.Dispose();

    private string Create(string kind)
    {
        var path = _directory.File(kind);
        var good = FixtureBinaries.Path(FixtureBinaries.CO0);
        var bytes = File.ReadAllBytes(good);
        switch (kind)
        {
            case "text":
                File.WriteAllText(path, "This is not an ELF file, just a few words of text.\n");
                break;
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            case "text-16-bytes":
                File.WriteAllText(path, "0123456789abcdef");
                break;
            case "elf-ident-only":
                File.WriteAllBytes(path, bytes[..16]);
                break;
            case "truncated-19":
                File.WriteAllBytes(path, bytes[..19]);
                break;
            case "truncated-40":
                File.WriteAllBytes(path, bytes[..40]);
                break;
            case "truncated-100":
                File.WriteAllBytes(path, bytes[..100]);
                break;
            case "truncated-half":
                File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
                break;
            case "big-endian":
                bytes[5] = 2; // e_ident[EI_DATA] = ELFDATA2MSB
                File.WriteAllBytes(path, bytes);
                break;
            case "no-debug-info":
                var source = _directory.File("tiny.c");
                File.WriteAllText(source, "int main(void) { return 0; }\n");
                ProcessRunner.Run("gcc", ["-O0", "-o", path, source]).EnsureSuccess("gcc without -g");
                Assert.DoesNotContain(Readelf.Sections(path), s => s.Name.StartsWith(".debug_", StringComparison.Ordinal));
                break;
            case "stripped":
                ProcessRunner.Run("strip", ["-o", path, good]).EnsureSuccess("strip");
                break;
            case "strip-debug":
                ProcessRunner.Run("strip", ["--strip-debug", "-o", path, good]).EnsureSuccess("strip --strip-debug");
                break;
            case "line-version-99":
                // The first line-program header: unit_length (4 bytes, 32-bit DWARF), then the 2-byte version.
                var line = Readelf.Section(good, ".debug_line");
                Assert.NotEqual(0xffffffffu, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)line.Offset)));
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((int)line.Offset + 4), 99);
                File.WriteAllBytes(path, bytes);
                break;
            case "relocatable-object":
                // Two functions, so that unapplied relocations (every low_pc and string offset 0) show.
                var twoFunctions = _directory.File("two.c");
                File.WriteAllText(twoFunctions, "int alpha(int x) { return x + 1; }\nint beta(int x) { return alpha(x) * 2; }\n");
                ProcessRunner.Run("gcc", ["-g", "-O0", "-c", "-o", path, twoFunctions]).EnsureSuccess("gcc -g -c");
                break;
            case "missing":
                break;
            case "directory":
                Directory.CreateDirectory(path);
                break;
            default:
                throw new ArgumentException($"unknown bad input {kind}", nameof(kind));
        }
        return path;
    }
}

public sealed class BadInputTests(BadInputFiles inputs) : IClassFixture<BadInputFiles>
{
    /// <summary>Each bad input with a word its error message must contain to be useful.</summary>
    public static TheoryData<string, string> Cases => new()
    {
        { "text", "ELF" },
        { "empty", "ELF" },
        // 16 to 19 bytes: past the "too short" check (16) but shorter than e_ident + e_type + e_machine (20).
        { "text-16-bytes", "ELF" },
        { "elf-ident-only", "truncated" },
        { "truncated-19", "truncated" },
        { "truncated-40", "truncated" },
        { "truncated-100", "truncated" },
        { "truncated-half", "truncated" },
        { "big-endian", "big-endian" },
        { "no-debug-info", "debug" },
        { "stripped", "debug" },
        { "strip-debug", "debug" },
        { "line-version-99", "99" },
        { "missing", "no such file" },
        { "directory", "" },
    };

    /// <summary>Every case through <c>harness lines</c>; a few through <c>harness functions</c>, which shares the load and error path.</summary>
    public static TheoryData<string, string> CasesWithCommand
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var kind in Cases.Select(c => (string)c[0]))
            {
                data.Add(kind, "lines");
            }
            foreach (var kind in new[] { "text", "truncated-19", "no-debug-info", "line-version-99", "missing" })
            {
                data.Add(kind, "functions");
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Load_BadInput_ThrowsSymbolReadExceptionNamingFile(string kind, string expectedWord)
    {
        var path = inputs.Get(kind);

        var exception = Assert.Throws<SymbolReadException>(() => SourceMap.Load(path));

        Assert.Equal(path, exception.FilePath);
        Assert.StartsWith(path + ": ", exception.Message);
        Assert.False(string.IsNullOrWhiteSpace(exception.Problem));
        Assert.DoesNotContain('\n', exception.Message);
        Assert.Contains(expectedWord, exception.Problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Load_NotElf_RaisesTheEngineRootAFrontEndCatches()
    {
        var path = inputs.Get("text");

        // The CLI and the VSTest adapter catch HarnessException alone: a symbol error must be one.
        var exception = Assert.ThrowsAny<HarnessException>(() => SourceMap.Load(path));

        Assert.StartsWith(path + ": ", exception.Message);
    }

    /// <summary>
    /// A relocatable object (gcc -g -c) keeps its DWARF addresses and string offsets in relocations
    /// (.rela.debug_info, .rela.debug_line): the section bytes hold zeros. A reader that does not apply them
    /// must refuse the file; one that loads it must get names, ranges and paths right.
    /// </summary>
    [Fact]
    public void Load_RelocatableObject_RejectedOrMatchesSymbolTable()
    {
        var path = inputs.Get("relocatable-object");
        var symbols = Nm.CodeSymbols(path);
        Assert.Equal(["alpha", "beta"], symbols.Select(s => s.Name).Order());

        SourceMap map;
        try
        {
            map = SourceMap.Load(path);
        }
        catch (SymbolReadException e)
        {
            Assert.Equal(path, e.FilePath);
            return;
        }
        foreach (var symbol in symbols)
        {
            var function = Assert.Single(map.Functions, f => f.Name == symbol.Name);
            Assert.Equal(new AddressRange(symbol.Address, symbol.Address + symbol.Size), Assert.Single(function.Ranges));
        }
        Assert.All(map.Files, f => Assert.True(Path.IsPathRooted(f), $"relative path {f}"));
    }

    [Theory]
    [MemberData(nameof(CasesWithCommand))]
    public void Cli_BadInput_ExitsNonZeroWithOneLineNamingFile(string kind, string command)
    {
        var path = inputs.Get(kind);

        var result = HarnessCli.Run(command, path);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("harness: ", line);
        Assert.Contains(path, line, StringComparison.Ordinal);
        Assert.EndsWith("\n", result.StandardError);
    }
}
