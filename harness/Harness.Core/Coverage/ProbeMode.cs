namespace Harness.Core.Coverage;

/// <summary>How line coverage places its one-shot probes (<c>--probes lines|blocks</c>).</summary>
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
