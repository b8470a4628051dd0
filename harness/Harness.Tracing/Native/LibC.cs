using System.Runtime.InteropServices;

namespace Harness.Tracing.Native;

/// <summary>The glibc calls the tracer needs; no native helper of ours (DESIGN.md §4).</summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc";

    [LibraryImport(Library, EntryPoint = "ptrace", SetLastError = true)]
    public static partial long Ptrace(long request, int pid, nint address, nint data);

    [LibraryImport(Library, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, out int status, int options);

    [LibraryImport(Library, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "pread64", SetLastError = true)]
    public static partial nint PRead(int fd, byte* buffer, nint count, long offset);

    [LibraryImport(Library, EntryPoint = "pwrite64", SetLastError = true)]
    public static partial nint PWrite(int fd, byte* buffer, nint count, long offset);

    [LibraryImport(Library, EntryPoint = "posix_spawn", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int PosixSpawn(out int pid, string path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_init")]
    public static partial int SpawnAttrInit(void* attributes);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_destroy")]
    public static partial int SpawnAttrDestroy(void* attributes);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setflags")]
    public static partial int SpawnAttrSetFlags(void* attributes, short flags);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int SpawnAttrSetSigDefault(void* attributes, void* signals);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int SpawnAttrSetSigMask(void* attributes, void* signals);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setpgroup")]
    public static partial int SpawnAttrSetPGroup(void* attributes, int processGroup);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int FileActionsInit(void* actions);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int FileActionsDestroy(void* actions);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int FileActionsAddDup2(void* actions, int fd, int newFd);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_addchdir_np", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FileActionsAddChdir(void* actions, string path);

    [LibraryImport(Library, EntryPoint = "sigfillset")]
    public static partial int SigFillSet(void* set);

    [LibraryImport(Library, EntryPoint = "sigemptyset")]
    public static partial int SigEmptySet(void* set);

    [LibraryImport(Library, EntryPoint = "strerror")]
    public static partial nint StrError(int errno);

    public static string ErrorText(int errno) => Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}";

    // Sizes of glibc's opaque types on x86-64, rounded up: posix_spawnattr_t is 336 bytes,
    // posix_spawn_file_actions_t 80, sigset_t 128.
    public const int SpawnAttrSize = 512;
    public const int FileActionsSize = 256;
    public const int SigSetSize = 128;

    public const short PosixSpawnSetPGroup = 0x02;
    public const short PosixSpawnSetSigDef = 0x04;
    public const short PosixSpawnSetSigMask = 0x08;

    public const int ORdWr = 2;
    public const int OCloExec = 0x80000;

    public const int EIntr = 4;
    public const int ESrch = 3;
    public const int EChild = 10;
}

/// <summary>ptrace requests, options and events (linux/ptrace.h).</summary>
internal static class Ptrace
{
    public const long PeekData = 2;
    public const long PeekUser = 3;
    public const long PokeData = 5;
    public const long PokeUser = 6;
    public const long Cont = 7;
    public const long SetOptions = 0x4200;
    public const long GetEventMsg = 0x4201;
    public const long GetSigInfo = 0x4202;
    public const long Seize = 0x4206;
    public const long Listen = 0x4208;

    public const int OptionTraceFork = 0x02;
    public const int OptionTraceVFork = 0x04;
    public const int OptionTraceClone = 0x08;
    public const int OptionTraceExec = 0x10;
    public const int OptionExitKill = 0x100000;

    public const int EventFork = 1;
    public const int EventVFork = 2;
    public const int EventClone = 3;
    public const int EventExec = 4;
    public const int EventVForkDone = 5;
    public const int EventExit = 6;
    public const int EventStop = 128;

    /// <summary>waitpid: any child, clone or not, and only the calling thread's (DESIGN.md §4).</summary>
    public const int WaitAll = 0x40000000;
    public const int WaitNoThread = 0x20000000;

    // Offsets into struct user (user_regs_struct comes first): rip is register 16, rsp 19.
    public const int RipOffset = 16 * 8;
    public const int RspOffset = 19 * 8;

    /// <summary>si_code of a SIGTRAP raised by an int3 instruction.</summary>
    public const int SiKernel = 0x80;
}

/// <summary>Signal numbers on Linux x86-64.</summary>
internal static class Signals
{
    public const int SigTrap = 5;
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;
    public const int SigTstp = 20;
    public const int SigTtin = 21;
    public const int SigTtou = 22;

    public static bool IsStop(int signal) => signal is SigStop or SigTstp or SigTtin or SigTtou;
}
