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

    [LibraryImport(Library, EntryPoint = "wait4", SetLastError = true)]
    public static partial int Wait4(int pid, out int status, int options, RUsage* usage);

    [LibraryImport(Library, EntryPoint = "gettid")]
    public static partial int GetTid();

    [LibraryImport(Library, EntryPoint = "sigaction", SetLastError = true)]
    public static partial int SigAction(int signal, SigActionStruct* action, SigActionStruct* old);

    [LibraryImport(Library, EntryPoint = "sigaddset")]
    public static partial int SigAddSet(void* set, int signal);

    [LibraryImport(Library, EntryPoint = "pthread_sigmask")]
    public static partial int PThreadSigMask(int how, void* set, void* old);

    [LibraryImport(Library, EntryPoint = "__libc_current_sigrtmin")]
    public static partial int SigRtMin();

    [LibraryImport(Library, EntryPoint = "__libc_current_sigrtmax")]
    public static partial int SigRtMax();

    [LibraryImport(Library, EntryPoint = "timer_create", SetLastError = true)]
    public static partial int TimerCreate(int clock, SigEvent* signalEvent, nint* timer);

    [LibraryImport(Library, EntryPoint = "timer_settime", SetLastError = true)]
    public static partial int TimerSetTime(nint timer, int flags, ITimerSpec* value, ITimerSpec* old);

    [LibraryImport(Library, EntryPoint = "timer_delete", SetLastError = true)]
    public static partial int TimerDelete(nint timer);

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

    public const int ORdOnly = 0;
    public const int ORdWr = 2;
    public const int OCloExec = 0x80000;

    public const int ClockMonotonic = 1;
    public const int SigEvThreadId = 4;
    public const int SigUnblock = 1;

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
    public const long Interrupt = 0x4207;
    public const long Listen = 0x4208;
    public const long GetRegs = 12;

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

    // Offsets into struct user (see UserRegs) (user_regs_struct comes first): rip is register 16, eflags 18, rsp 19.
    public const int RipOffset = 16 * 8;
    public const int EflagsOffset = 18 * 8;
    public const int RspOffset = 19 * 8;

    /// <summary>si_code of a SIGTRAP raised by an int3 instruction.</summary>
    public const int SiKernel = 0x80;
}

/// <summary>Signal numbers on Linux x86-64.</summary>
internal static class Signals
{
    public const int SigIll = 4;
    public const int SigTrap = 5;
    public const int SigBus = 7;
    public const int SigFpe = 8;
    public const int SigSegv = 11;
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;
    public const int SigTstp = 20;
    public const int SigTtin = 21;
    public const int SigTtou = 22;

    public static bool IsStop(int signal) => signal is SigStop or SigTstp or SigTtin or SigTtou;
}

/// <summary><c>struct user_regs_struct</c> of x86-64 (sys/user.h), as PTRACE_GETREGS fills it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UserRegs
{
    public ulong R15;
    public ulong R14;
    public ulong R13;
    public ulong R12;
    public ulong Rbp;
    public ulong Rbx;
    public ulong R11;
    public ulong R10;
    public ulong R9;
    public ulong R8;
    public ulong Rax;
    public ulong Rcx;
    public ulong Rdx;
    public ulong Rsi;
    public ulong Rdi;
    public ulong OrigRax;  // orig_rax: the system call number while stopped in one, else -1
    public ulong Rip;
    public ulong Cs;
    public ulong Eflags;
    public ulong Rsp;
    public ulong Ss;
    public ulong FsBase;
    public ulong GsBase;
    public ulong Ds;
    public ulong Es;
    public ulong Fs;
    public ulong Gs;
}

/// <summary>glibc's <c>struct sigaction</c> on x86-64: handler, 128-byte mask, flags, restorer (152 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SigActionStruct
{
    public nint Handler;          // sa_handler
    public fixed byte Mask[128];  // sa_mask
    public int Flags;             // sa_flags
    public int Padding;
    public nint Restorer;         // sa_restorer
}

/// <summary><c>struct sigevent</c> (64 bytes) with the Linux-only SIGEV_THREAD_ID target thread.</summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct SigEvent
{
    [FieldOffset(0)]
    public nint Value;            // sigev_value

    [FieldOffset(8)]
    public int Signal;            // sigev_signo

    [FieldOffset(12)]
    public int Notify;            // sigev_notify

    [FieldOffset(16)]
    public int ThreadId;          // _sigev_un._tid (sigev_notify_thread_id)
}

/// <summary><c>struct itimerspec</c>: interval, then first expiry, each a timespec (seconds, nanoseconds).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ITimerSpec
{
    public long IntervalSeconds;
    public long IntervalNanoseconds;
    public long ValueSeconds;
    public long ValueNanoseconds;
}

/// <summary>The start of <c>struct rusage</c>: user and system CPU time as timevals (the rest is padding here).</summary>
[StructLayout(LayoutKind.Sequential, Size = 144)]
internal struct RUsage
{
    public long UserSeconds;
    public long UserMicroseconds;
    public long SystemSeconds;
    public long SystemMicroseconds;
}
