namespace Harness.Tracing.Native;

/// <summary>Decodes a waitpid status word (the W* macros of sys/wait.h) plus the ptrace event in bits 16–23.</summary>
internal readonly record struct WaitStatus(int Raw)
{
    public bool Exited => (Raw & 0x7f) == 0;

    public int ExitCode => (Raw >> 8) & 0xff;

    public bool Signaled => (Raw & 0x7f) != 0 && (Raw & 0x7f) != 0x7f;

    public int TermSignal => Raw & 0x7f;

    public bool Stopped => (Raw & 0xff) == 0x7f;

    public int StopSignal => (Raw >> 8) & 0xff;

    public int Event => (Raw >> 16) & 0xff;
}
