using System.Runtime.InteropServices;
using System.Text;
using Harness.Tracing.Native;

namespace Harness.Tracing;

/// <summary>
/// Starts a program stopped before its exec, ready to be seized (DESIGN.md §4): posix_spawn of
/// <c>/bin/sh -c 'kill -STOP $$; exec "$0" "$@"' PROGRAM ARGS…</c> with default signal dispositions and
/// an empty mask (.NET ignores SIGPIPE and the child would inherit that). The program and its arguments
/// are positional parameters of the fixed script: no user text is ever part of a shell string.
/// Not <see cref="System.Diagnostics.Process"/>: its SIGCHLD handling would consume the tracee's stops.
/// </summary>
internal static unsafe class Launcher
{
    private const string Script = "kill -STOP $$; exec \"$0\" \"$@\"";

    public static int SpawnStopped(LaunchOptions options)
    {
        string[] argv = ["sh", "-c", Script, options.Program, .. options.Arguments];
        var environment = options.Environment ?? System.Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
        var envp = environment.Select(pair => $"{pair.Key}={pair.Value}").ToArray();

        var attributes = NativeMemory.AllocZeroed(LibC.SpawnAttrSize);
        var actions = NativeMemory.AllocZeroed(LibC.FileActionsSize);
        var signals = NativeMemory.AllocZeroed(LibC.SigSetSize);
        var argvBlock = ToNative(argv);
        var envpBlock = ToNative(envp);
        try
        {
            Check(LibC.SpawnAttrInit(attributes), "posix_spawnattr_init");
            Check(LibC.FileActionsInit(actions), "posix_spawn_file_actions_init");
            var flags = (short)(LibC.PosixSpawnSetSigDef | LibC.PosixSpawnSetSigMask);
            if (options.NewProcessGroup)
            {
                flags |= LibC.PosixSpawnSetPGroup;
                Check(LibC.SpawnAttrSetPGroup(attributes, 0), "posix_spawnattr_setpgroup");
            }
            Check(LibC.SpawnAttrSetFlags(attributes, flags), "posix_spawnattr_setflags");
            LibC.SigFillSet(signals);
            Check(LibC.SpawnAttrSetSigDefault(attributes, signals), "posix_spawnattr_setsigdefault");
            LibC.SigEmptySet(signals);
            Check(LibC.SpawnAttrSetSigMask(attributes, signals), "posix_spawnattr_setsigmask");
            if (options.StandardInput is { } stdin)
            {
                Check(LibC.FileActionsAddDup2(actions, stdin, 0), "posix_spawn_file_actions_adddup2");
            }
            if (options.StandardOutput is { } stdout)
            {
                Check(LibC.FileActionsAddDup2(actions, stdout, 1), "posix_spawn_file_actions_adddup2");
            }
            if (options.StandardError is { } stderr)
            {
                Check(LibC.FileActionsAddDup2(actions, stderr, 2), "posix_spawn_file_actions_adddup2");
            }
            if (options.WorkingDirectory is { } directory)
            {
                Check(LibC.FileActionsAddChdir(actions, directory), "posix_spawn_file_actions_addchdir_np");
            }
            var error = LibC.PosixSpawn(out var pid, "/bin/sh", actions, attributes, argvBlock, envpBlock);
            if (error != 0)
            {
                throw new TracerException($"cannot start /bin/sh for {options.Program}: {LibC.ErrorText(error)}");
            }
            return pid;
        }
        finally
        {
            LibC.FileActionsDestroy(actions);
            LibC.SpawnAttrDestroy(attributes);
            NativeMemory.Free(signals);
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
            Free(argvBlock, argv.Length);
            Free(envpBlock, envp.Length);
        }
    }

    /// <summary>Waits until the spawned shell has stopped itself (state T in /proc/PID/stat).</summary>
    public static void WaitUntilStopped(int pid, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        var statPath = $"/proc/{pid}/stat";
        while (DateTime.UtcNow < deadline)
        {
            string stat;
            try
            {
                stat = File.ReadAllText(statPath);
            }
            catch (IOException)
            {
                break;
            }
            // "pid (comm) S …": the state follows the last ')' (comm may contain spaces and parentheses).
            var close = stat.LastIndexOf(')');
            if (close > 0 && close + 2 < stat.Length)
            {
                var state = stat[close + 2];
                if (state is 'T' or 't')
                {
                    return;
                }
                if (state is 'Z' or 'X')
                {
                    break;
                }
            }
            Thread.Sleep(1);
        }
        throw new TracerException($"the launcher shell (pid {pid}) did not stop before exec");
    }

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new TracerException($"{call} failed: {LibC.ErrorText(result)}");
        }
    }

    private static byte** ToNative(string[] strings)
    {
        var block = (byte**)NativeMemory.AllocZeroed((nuint)(strings.Length + 1), (nuint)sizeof(nint));
        for (var i = 0; i < strings.Length; i++)
        {
            if (strings[i].Contains('\0'))
            {
                throw new TracerException($"argument or environment entry {i} contains a NUL character");
            }
            var bytes = Encoding.UTF8.GetBytes(strings[i]);
            var native = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
            bytes.AsSpan().CopyTo(new Span<byte>(native, bytes.Length));
            native[bytes.Length] = 0;
            block[i] = native;
        }
        return block;
    }

    private static void Free(byte** block, int count)
    {
        for (var i = 0; i < count; i++)
        {
            NativeMemory.Free(block[i]);
        }
        NativeMemory.Free(block);
    }
}

/// <summary>The tracer could not do its job (start, seize, read or write the tracee); the message says why.</summary>
public sealed class TracerException(string message, Exception? inner = null) : HarnessException(message, inner);
