namespace Harness.Core.Model;

/// <summary>Which of a test process's output streams a line came from.</summary>
public enum OutputStream
{
    Stdout,
    Stderr,
}
