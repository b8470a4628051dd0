namespace Harness.Core.Model;

/// <summary>A trait of a test (module, gtest parameter, Catch2 tag, ignored/disabled), as in a test explorer.</summary>
public readonly record struct TestTrait(string Name, string Value);

/// <summary>One test, known by a stable name.</summary>
/// <param name="FullyQualifiedName">Dotted <c>&lt;suite&gt;.&lt;binary id&gt;.&lt;path&gt;</c>, e.g.
/// <c>rust.calc.lib.tests.nested.case</c>; stable across rebuilds.</param>
/// <param name="DisplayName">The name as the framework prints it (<c>tests::nested::case</c>, <c>Suite.Name/0</c>).</param>
/// <param name="FrameworkName">The exact name to hand back to the framework to run this test alone.</param>
/// <param name="Binary">The executable holding it.</param>
/// <param name="SourceFile">Absolute path of the file where the test is written, when known.</param>
/// <param name="SourceLine">Its line, when known.</param>
/// <param name="Traits">Module/suite, parameters, tags, ignored/disabled.</param>
/// <param name="IsIgnored">Ignored (<c>#[ignore]</c>), disabled (<c>DISABLED_</c>) or hidden (Catch2 <c>[.]</c>): listed, not run by default.</param>
public sealed record TestCase(
    string FullyQualifiedName,
    string DisplayName,
    string FrameworkName,
    TestBinary Binary,
    string? SourceFile,
    int? SourceLine,
    IReadOnlyList<TestTrait> Traits,
    bool IsIgnored);
