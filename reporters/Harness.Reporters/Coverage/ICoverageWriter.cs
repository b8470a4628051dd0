using Harness.Core.Coverage;

namespace Harness.Reporters.Coverage;

/// <summary>Writes a <see cref="CoverageReport"/> in one file format. Writers are pure: model in, bytes out.</summary>
public interface ICoverageWriter
{
    /// <summary>The file name this format is usually found under (<c>lcov.info</c>, <c>coverage.cobertura.xml</c>).</summary>
    string DefaultFileName { get; }

    /// <summary>Writes the whole report to <paramref name="output"/> and leaves the stream open.</summary>
    void Write(CoverageReport report, Stream output);
}
