namespace Harness.Core.Reports;

/// <summary>An input to a report could not be read: the message names the file and what is wrong with it.</summary>
public sealed class ReportInputException : HarnessException
{
    public ReportInputException(string path, string message, Exception? inner = null)
        : base($"{path}: {message}", inner)
    {
        Path = path;
    }

    public ReportInputException(string message)
        : base(message)
    {
        Path = "";
    }

    public ReportInputException(string message, Exception inner)
        : base(message, inner)
    {
        Path = "";
    }

    /// <summary>The input file.</summary>
    public string Path { get; }
}
