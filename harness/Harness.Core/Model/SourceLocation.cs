namespace Harness.Core.Model;

/// <summary>A file and 1-based line.</summary>
public sealed record SourceLocation(string File, int Line);
