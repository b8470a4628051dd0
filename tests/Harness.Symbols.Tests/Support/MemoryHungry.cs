namespace Harness.Symbols.Tests.Support;

/// <summary>
/// Tests that allocate gigabytes on purpose (decompression bombs) and tests that watch the process's memory
/// (the mutation fuzzer) must not run at the same time: xunit runs one collection's classes one after another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class MemoryHungry
{
    public const string Name = "memory-hungry";
}
