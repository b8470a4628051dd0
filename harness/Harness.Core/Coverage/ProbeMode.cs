namespace Harness.Core.Coverage;

/// <summary>
/// How line coverage places its one-shot probes (<c>--probes lines|blocks</c>). Lines is the default: block mode proves the
/// same lines with fewer traps, but decoding every selected function at start-up costs more than the traps it saves on the
/// benchmarks so far (decoding lazily, per function at its first call, is the next step).
/// </summary>
public enum ProbeMode
{
    /// <summary>
    /// Basic blocks recovered from the machine code (Iced), probed only where the dominator tree cannot infer them:
    /// fewer traps than lines; every line-table row attributed, statement or not. Functions that cannot be decoded
    /// safely fall back to <see cref="Lines"/>.
    /// </summary>
    Blocks,

    /// <summary>One probe group per source line at its statement addresses (kcov's design): one trap per hit line.</summary>
    Lines,
}
