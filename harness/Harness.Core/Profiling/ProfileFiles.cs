using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harness.Core.Profiling;

/// <summary>
/// Writes a run's profiles into an output directory: <c>profile/NAME.folded</c> (Brendan Gregg's folded stacks,
/// <c>outer;…;inner COUNT</c>, input of flamegraph.pl and most flame-graph tools), <c>profile/NAME.speedscope.json</c>
/// (https://www.speedscope.app/file-format-schema.json, one "sampled" profile per thread), and <c>profile.json</c>
/// (<see cref="ProfileFile"/>: per test, per function self and total samples and milliseconds).
/// </summary>
public static class ProfileFiles
{
    public const string Directory = "profile";

    public static ProfileFile WriteAll(IReadOnlyList<TestProfile> profiles, string outputDirectory, int rate)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var folder = Path.Combine(outputDirectory, Directory);
        System.IO.Directory.CreateDirectory(folder);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<ProfileEntry>();
        foreach (var profile in profiles)
        {
            var stem = FileStem(profile.Name, used);
            var folded = $"{Directory}/{stem}.folded";
            var speedscope = $"{Directory}/{stem}.speedscope.json";
            using (var output = File.Create(Path.Combine(outputDirectory, folded)))
            {
                WriteFolded(profile, output);
            }
            using (var output = File.Create(Path.Combine(outputDirectory, speedscope)))
            {
                WriteSpeedscope(profile, output);
            }
            entries.Add(ProfileEntry.From(profile, folded, speedscope));
        }
        var file = new ProfileFile(ProfileFile.CurrentSchemaVersion, rate, entries);
        using (var output = File.Create(Path.Combine(outputDirectory, "profile.json")))
        {
            file.Write(output);
        }
        return file;
    }

    public static void WriteFolded(TestProfile profile, Stream output)
    {
        ArgumentNullException.ThrowIfNull(profile);
        using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        foreach (var (stack, count) in profile.Folded)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stack} {count}"));
        }
    }

    public static void WriteSpeedscope(TestProfile profile, Stream output)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var file = new SpeedscopeFile(
            SpeedscopeFile.SchemaUrl,
            new SpeedscopeShared([.. profile.Frames.Select(f => new SpeedscopeFrame(f.Name, f.File, f.Line))]),
            [.. profile.Threads.Select(t => new SpeedscopeProfile(
                "sampled",
                $"{profile.Name} (pid {t.Pid}, thread {t.Tid})",
                "milliseconds",
                0,
                t.Weights.Sum(w => w.TotalMilliseconds),
                t.Stacks,
                [.. t.Weights.Select(w => w.TotalMilliseconds)]))],
            profile.Name,
            0,
            "harness");
        JsonSerializer.Serialize(output, file, ProfileJson.Default.SpeedscopeFile);
    }

    /// <summary>A file name from a test name: letters, digits, '.', '-', '_' kept, the rest '_'; made unique.</summary>
    private static string FileStem(string name, HashSet<string> used)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }
        var stem = builder.Length == 0 ? "profile" : builder.ToString();
        if (stem.Length > 180)
        {
            stem = stem[..180];
        }
        var unique = stem;
        for (var i = 2; !used.Add(unique); i++)
        {
            unique = $"{stem}-{i}";
        }
        return unique;
    }
}

/// <summary>
/// <c>profile.json</c>, schema version 1: the sampling rate, and per test where its flame-graph files are and
/// how its on-CPU samples split over functions. Read back by comparisons (<see cref="ProfileComparison"/>).
/// </summary>
/// <param name="SchemaVersion">1.</param>
/// <param name="RateHz">Samples per second per thread.</param>
/// <param name="Tests">One entry per profiled test (or program).</param>
public sealed record ProfileFile(int SchemaVersion, int RateHz, IReadOnlyList<ProfileEntry> Tests)
{
    public const int CurrentSchemaVersion = 1;

    public void Write(Stream output) => JsonSerializer.Serialize(output, this, ProfileJson.Default.ProfileFile);

    /// <summary>Reads a profile file; one that is not (bad JSON, another schema) throws <see cref="InvalidDataException"/> naming it.</summary>
    public static ProfileFile Read(string path)
    {
        try
        {
            using var input = File.OpenRead(path);
            var file = JsonSerializer.Deserialize(input, ProfileJson.Default.ProfileFile)
                ?? throw new InvalidDataException($"{path}: not a harness profile file (null)");
            if (file.SchemaVersion is < 1 or > CurrentSchemaVersion)
            {
                throw new InvalidDataException($"{path}: profile schema version {file.SchemaVersion} is not supported (this harness reads 1–{CurrentSchemaVersion})");
            }
            return file;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a harness profile file: {e.Message}", e);
        }
    }
}

/// <summary>One test's profile in <c>profile.json</c>.</summary>
/// <param name="Test">The test's fully qualified name (or the program's file name for <c>harness profile</c>).</param>
/// <param name="Folded">The folded-stacks file, relative to the output directory.</param>
/// <param name="Speedscope">The speedscope file, relative to the output directory.</param>
/// <param name="IntervalMs">Milliseconds per sample.</param>
/// <param name="Samples">On-CPU samples, all threads.</param>
/// <param name="WaitingSamples">Samples of threads blocked in a system call (not in the functions).</param>
/// <param name="Threads">Threads with on-CPU samples.</param>
/// <param name="Processes">Processes sampled.</param>
/// <param name="SampledMs">The CPU time the on-CPU samples stand for (per thread, its CPU clock between samples).</param>
/// <param name="CpuMs">User + system CPU time the kernel reported for the main process(es), when known.</param>
/// <param name="SamplingMs">Time the tracer spent taking samples (the profiler's own cost).</param>
/// <param name="Ticks">Timer ticks.</param>
/// <param name="MissedTicks">Ticks skipped because the tracer was busy.</param>
/// <param name="Functions">Per function, most self time first.</param>
public sealed record ProfileEntry(
    string Test, string Folded, string Speedscope, double IntervalMs, long Samples, long WaitingSamples, int Threads, int Processes,
    double SampledMs, double? CpuMs, double SamplingMs, long Ticks, long MissedTicks, IReadOnlyList<FunctionEntry> Functions)
{
    public static ProfileEntry From(TestProfile profile, string folded, string speedscope)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var interval = profile.Interval.TotalMilliseconds;
        return new ProfileEntry(
            profile.Name, folded, speedscope, interval, profile.Samples, profile.WaitingSamples, profile.Threads.Count, profile.Processes,
            profile.SampledTime.TotalMilliseconds, profile.CpuTime?.TotalMilliseconds, profile.SamplingTime.TotalMilliseconds, profile.Ticks, profile.MissedTicks,
            [.. profile.Functions.Select(f => new FunctionEntry(
                f.Frame.Name, f.Frame.Image, f.Frame.File, f.Frame.Line, f.Frame.Inlined, f.SelfSamples, f.TotalSamples,
                f.SelfTime.TotalMilliseconds, f.TotalTime.TotalMilliseconds, profile.SelfShare(f), profile.TotalShare(f)))]);
    }
}

/// <summary>One function of a test's profile.</summary>
/// <param name="Name">The function's name.</param>
/// <param name="Image">The executable or library it is in.</param>
/// <param name="File">Its source file, when known.</param>
/// <param name="Line">Its declaration line, when known.</param>
/// <param name="Inlined">Seen only as a call inlined into other functions.</param>
/// <param name="SelfSamples">Samples in its own code.</param>
/// <param name="TotalSamples">Samples with it anywhere on the stack.</param>
/// <param name="SelfMs">The CPU time its self samples stand for.</param>
/// <param name="TotalMs">The CPU time its total samples stand for.</param>
/// <param name="SelfShare">SelfMs / the test's SampledMs.</param>
/// <param name="TotalShare">TotalMs / the test's SampledMs.</param>
public sealed record FunctionEntry(
    string Name, string Image, string? File, int? Line, bool Inlined, long SelfSamples, long TotalSamples, double SelfMs, double TotalMs, double SelfShare, double TotalShare);

/// <summary>The speedscope file format (https://www.speedscope.app/file-format-schema.json), the parts a sampled profile uses.</summary>
public sealed record SpeedscopeFile(
    [property: JsonPropertyName("$schema")] string Schema,
    SpeedscopeShared Shared,
    IReadOnlyList<SpeedscopeProfile> Profiles,
    string? Name,
    int? ActiveProfileIndex,
    string? Exporter)
{
    public const string SchemaUrl = "https://www.speedscope.app/file-format-schema.json";
}

public sealed record SpeedscopeShared(IReadOnlyList<SpeedscopeFrame> Frames);

public sealed record SpeedscopeFrame(string Name, string? File, int? Line);

/// <summary>A "sampled" profile: each sample a stack of frame indices, outermost first, with its weight in <see cref="Unit"/>.</summary>
public sealed record SpeedscopeProfile(
    string Type, string Name, string Unit, double StartValue, double EndValue, IReadOnlyList<int[]> Samples, IReadOnlyList<double> Weights);

[JsonSourceGenerationOptions(WriteIndented = false, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProfileFile))]
[JsonSerializable(typeof(SpeedscopeFile))]
internal sealed partial class ProfileJson : JsonSerializerContext;
