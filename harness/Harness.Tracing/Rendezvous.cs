using Harness.Symbols;
using Harness.Tracing.Native;
using static Harness.Tracing.PtraceCalls;

namespace Harness.Tracing;

/// <summary>
/// The dynamic linker's debugger rendezvous (<c>r_debug</c>), as debuggers use it: a persistent breakpoint on
/// <c>_dl_debug_state</c> (r_brk), and at each hit a walk of the <c>link_map</c> list that probes libraries
/// newly loaded and forgets unloaded ones.
/// </summary>
internal sealed class Rendezvous(ProbeTraps probes)
{
    private readonly Dictionary<string, (ulong RDebug, ulong DebugState)?> _linkers = new(StringComparer.Ordinal);

    /// <summary>
    /// At an exec stop, where only the executable and the dynamic linker are mapped: sets the breakpoint in the
    /// linker named by <paramref name="maps"/>, when it is glibc's (exports both symbols) and the function is empty.
    /// </summary>
    public void Hook(TracedTask task, IReadOnlyList<Mapping> maps, string executable)
    {
        var pid = task.Tid;
        var linker = maps.FirstOrDefault(m => m.Offset == 0 && m.Path.StartsWith('/') && m.Path != executable);
        if (linker.Path is not { Length: > 0 })
        {
            return;
        }
        if (!_linkers.TryGetValue(linker.Path, out var symbols))
        {
            _linkers[linker.Path] = symbols = LinkerSymbols(linker.Path);
        }
        if (symbols is not { } found)
        {
            return;
        }
        var breakpoint = linker.Start + found.DebugState;
        Span<byte> code = stackalloc byte[5];
        if (!task.Space.Memory.TryRead(breakpoint, code, pid))
        {
            return;
        }
        // _dl_debug_state is an empty function: "ret", or "endbr64; ret". We emulate the ret, so the
        // breakpoint can stay in place for every later dlopen without single-stepping over it.
        int length;
        if (code[0] == 0xc3)
        {
            length = 0;
        }
        else if (code[0] == 0xf3 && code[1] == 0x0f && code[2] == 0x1e && code[3] == 0xfa && code[4] == 0xc3)
        {
            length = 4;
        }
        else
        {
            return;
        }
        task.Space.InsertPersistent(breakpoint, pid);
        task.Space.Rendezvous = new RendezvousInfo(linker.Start + found.RDebug, breakpoint, length);
    }

    /// <summary>The rendezvous breakpoint was hit: return from it, then re-read the library list. The caller resumes.</summary>
    public void OnHit(TracedTask task)
    {
        probes.Traps++;
        EmulateReturn(task);
        OnLibrariesChanged(task);
    }

    /// <summary>
    /// The link-time addresses of <c>_r_debug</c> and <c>_dl_debug_state</c> in the dynamic linker, from its
    /// symbol tables (glibc exports both for debuggers), or null when it has neither.
    /// </summary>
    private static (ulong RDebug, ulong DebugState)? LinkerSymbols(string path)
    {
        try
        {
            var table = ElfSymbolTable.Load(path);
            return table.AddressOf("_r_debug") is { } rDebug && table.AddressOf("_dl_debug_state") is { } debugState ? (rDebug, debugState) : null;
        }
        catch (SymbolReadException)
        {
            return null;
        }
    }

    private static void EmulateReturn(TracedTask task)
    {
        var tid = task.Tid;
        var rsp = (ulong)PeekUser(tid, Ptrace.RspOffset);
        if (!task.Space.Memory.TryRead<ulong>(rsp, out var returnAddress, tid))
        {
            throw new TracerException($"cannot read the stack of {tid} at the dynamic linker's rendezvous");
        }
        PokeUser(tid, Ptrace.RipOffset, (long)returnAddress);
        PokeUser(tid, Ptrace.RspOffset, (long)(rsp + 8));
    }

    /// <summary>Walks <c>r_debug.r_map</c> when the list is consistent: probes new libraries, forgets unloaded ones.</summary>
    private void OnLibrariesChanged(TracedTask task)
    {
        var space = task.Space;
        var rendezvous = space.Rendezvous!;
        if (!space.Memory.TryRead<RDebug>(rendezvous.RDebug, out var debug, task.Tid) || debug.State != RDebug.RtConsistent)
        {
            return;
        }
        var loaded = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var node = debug.Map;
        string? cwd = null;
        for (var count = 0; node != 0 && count < 4096; count++)
        {
            if (!space.Memory.TryRead<LinkMap>(node, out var entry, task.Tid))
            {
                break;
            }
            node = entry.Next;
            var name = ReadString(space, entry.Name, task.Tid);
            if (string.IsNullOrEmpty(name) || !name.Contains('/'))
            {
                continue; // the main program (""), or the vDSO
            }
            if (!name.StartsWith('/'))
            {
                cwd ??= new FileInfo($"/proc/{task.Tgid}/cwd").LinkTarget ?? "/";
                name = Path.GetFullPath(name, cwd);
            }
            loaded[name] = entry.Addr;
        }
        foreach (var (path, bias) in loaded)
        {
            if (!space.HasImage(path))
            {
                probes.AddImage(task, path, bias);
            }
        }
        foreach (var path in space.ImagePaths.Where(p => p != space.Executable && !loaded.ContainsKey(p)).ToList())
        {
            space.RemoveImage(path);
        }
        space.Code = null;
    }

    private static string? ReadString(AddressSpace space, ulong address, int tid)
    {
        if (address == 0)
        {
            return null;
        }
        Span<byte> chunk = stackalloc byte[256];
        var bytes = new List<byte>();
        while (bytes.Count < 4096 && space.Memory.TryRead(address + (ulong)bytes.Count, chunk, tid))
        {
            var end = chunk.IndexOf((byte)0);
            if (end >= 0)
            {
                bytes.AddRange(chunk[..end]);
                return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
            }
            bytes.AddRange(chunk);
        }
        return null;
    }
}
