namespace Harness.Cli.Commands;

/// <summary>
/// The directory a command writes its files into, made safe before anything runs: it must be creatable or writable
/// (a read-only directory, a file in its place or a missing parent is one clear line and exit 2, not a whole run lost
/// at the end), it is locked for the run (a second run into it refuses instead of mixing its files with this one's),
/// and the files an earlier run left there under the names this command writes are removed first, so that a run
/// that fails early (a build error) never leaves the last green <c>junit.xml</c> for CI to publish.
/// </summary>
/// <remarks>
/// The lock is an exclusive advisory lock (<c>flock</c>, which .NET takes for <see cref="FileShare.None"/>) on
/// <see cref="LockFileName"/> inside the directory: the kernel drops it when the process ends, however it ends, so a
/// killed run leaves no stale lock behind. Only the named outputs are removed, never other files of the directory.
/// </remarks>
internal sealed class OutputDirectory : IDisposable
{
    public const string LockFileName = ".harness.lock";

    private readonly FileStream _lock;

    private OutputDirectory(string path, FileStream lockFile)
    {
        Path = path;
        _lock = lockFile;
    }

    public string Path { get; }

    /// <summary>
    /// Creates (if needed), checks, locks and clears <paramref name="path"/>; on failure prints one
    /// <c>harness: …</c> line and returns null (the caller exits 2 without running anything).
    /// </summary>
    /// <param name="outputs">The files and directories (relative names) this command writes there.</param>
    public static OutputDirectory? TryOpen(string path, IEnumerable<string> outputs)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full))
        {
            return Refuse(path, "a file is there, not a directory");
        }
        var parent = System.IO.Path.GetDirectoryName(System.IO.Path.TrimEndingDirectorySeparator(full));
        if (!Directory.Exists(full) && parent is not null && !Directory.Exists(parent))
        {
            return Refuse(path, $"its parent directory {parent} does not exist");
        }
        FileStream lockFile;
        try
        {
            Directory.CreateDirectory(full);
            lockFile = new FileStream(System.IO.Path.Combine(full, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (Directory.Exists(full) && File.Exists(System.IO.Path.Combine(full, LockFileName)) && IsLocked(full))
        {
            return Refuse(path, "another harness run is writing into it (wait for it, or give this run another --out)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Refuse(path, $"not writable: {e.Message}");
        }
        try
        {
            foreach (var name in outputs)
            {
                var stale = System.IO.Path.Combine(full, name);
                if (Directory.Exists(stale))
                {
                    Directory.Delete(stale, recursive: true);
                }
                else
                {
                    File.Delete(stale);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            lockFile.Dispose();
            return Refuse(path, $"cannot remove the files of an earlier run: {e.Message}");
        }
        return new OutputDirectory(path, lockFile);
    }

    /// <summary>
    /// Creates <paramref name="path"/> before the run (a report that cannot be written should not cost a whole run to
    /// find out); on failure prints one <c>harness: …</c> line and returns false (the caller exits 2).
    /// </summary>
    public static bool TryCreate(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            Console.Error.WriteLine($"harness: {path}: cannot create the output directory: {e.Message}");
            return false;
        }
    }

    /// <summary>Releases the lock; the lock file goes too (a run waiting for it then creates its own).</summary>
    public void Dispose()
    {
        try
        {
            File.Delete(_lock.Name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The lock is released with the handle either way; a lock file left behind is harmless.
        }
        _lock.Dispose();
    }

    private static bool IsLocked(string directory)
    {
        try
        {
            using var probe = new FileStream(System.IO.Path.Combine(directory, LockFileName), FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static OutputDirectory? Refuse(string path, string problem)
    {
        Console.Error.WriteLine($"harness: --out {path}: {problem}; nothing was run");
        return null;
    }
}
