using System.Runtime.InteropServices;
using Harness.Tracing.Native;

namespace Harness.Tracing;

/// <summary>The ptrace requests of the stop loop, on a stopped task; all from the tracer thread.</summary>
internal static class PtraceCalls
{
    public static void Resume(int tid, int signal) => Request(Ptrace.Cont, tid, 0, signal);

    /// <summary>A ptrace request whose failure with ESRCH (the task was killed meanwhile) is not an error.</summary>
    public static void Request(long request, int tid, nint address, nint data)
    {
        if (LibC.Ptrace(request, tid, address, data) == -1 && Marshal.GetLastPInvokeError() != LibC.ESrch)
        {
            throw new TracerException($"ptrace({request}) on {tid} failed: {LastError()}");
        }
    }

    public static long EventMessage(int tid)
    {
        long message = 0;
        unsafe
        {
            LibC.Ptrace(Ptrace.GetEventMsg, tid, 0, (nint)(&message));
        }
        return message;
    }

    /// <summary>si_code of the signal the task is stopped with, or 0 when it cannot be read.</summary>
    public static unsafe int SignalCode(int tid)
    {
        SigInfo info;
        return LibC.Ptrace(Ptrace.GetSigInfo, tid, 0, (nint)(&info)) == -1 ? 0 : info.Code;
    }

    public static long PeekUser(int tid, int offset)
    {
        Marshal.SetLastPInvokeError(0);
        return LibC.Ptrace(Ptrace.PeekUser, tid, offset, 0);
    }

    public static void PokeUser(int tid, int offset, long value) => Request(Ptrace.PokeUser, tid, offset, (nint)value);

    public static string LastError() => LibC.ErrorText(Marshal.GetLastPInvokeError());
}
