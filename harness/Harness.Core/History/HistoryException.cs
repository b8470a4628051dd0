namespace Harness.Core.History;

/// <summary>History could not be read or written, or a baseline could not be found; the message names the store or file.</summary>
public sealed class HistoryException(string message, Exception? inner = null) : HarnessException(message, inner);
