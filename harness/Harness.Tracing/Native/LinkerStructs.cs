using System.Runtime.InteropServices;

namespace Harness.Tracing.Native;

// The dynamic linker's debugger interface (glibc <link.h>) and the kernel's siginfo, field for field on x86-64,
// read from the tracee with MemoryMarshal.

/// <summary><c>struct r_debug</c>: where debuggers find the list of loaded objects.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RDebug
{
    public int Version;    // r_version
    public int Padding;
    public ulong Map;      // r_map: the first struct link_map
    public ulong Brk;      // r_brk: the function the linker calls around each change (_dl_debug_state)
    public int State;      // r_state: RT_CONSISTENT (0), RT_ADD (1), RT_DELETE (2)
    public int Padding2;
    public ulong LdBase;   // r_ldbase: the dynamic linker's load address

    /// <summary>r_state when the list may be walked.</summary>
    public const int RtConsistent = 0;
}

/// <summary>The public head of <c>struct link_map</c>: one loaded object.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LinkMap
{
    public ulong Addr;     // l_addr: load bias
    public ulong Name;     // l_name: absolute (or as dlopen was given) path, "" for the main program
    public ulong Ld;       // l_ld: its dynamic section
    public ulong Next;     // l_next
    public ulong Prev;     // l_prev
}

/// <summary>The head of the kernel's <c>siginfo_t</c> (128 bytes in all), as PTRACE_GETSIGINFO fills it.</summary>
[StructLayout(LayoutKind.Sequential, Size = 128)]
internal struct SigInfo
{
    public int Signo;      // si_signo
    public int Errno;      // si_errno
    public int Code;       // si_code: SI_KERNEL (0x80) for an int3
}
