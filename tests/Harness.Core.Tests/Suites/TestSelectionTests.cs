using Harness.Core.Model;
using Harness.Core.Suites;

namespace Harness.Core.Tests.Suites;

public sealed class TestSelectionTests
{
    private static readonly TestBinary Binary = new("/bin/true", "suite", "bin", TestFramework.Plain, "/", new Dictionary<string, string>(), [], null, []);

    private static List<TestCase> Tests(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new TestCase($"suite.bin.group{i % 7}.test_{i}", $"group{i % 7}::test_{i}", $"group{i % 7}::test_{i}", Binary, null, null, [], false))];

    [Theory]
    [InlineData("hash", 3)]
    [InlineData("hash", 5)]
    [InlineData("slice", 4)]
    public void Apply_EveryPartitionOfN_DisjointAndCoveringAllTests(string kind, int count)
    {
        var tests = Tests(200);
        var shards = Enumerable.Range(1, count).Select(m => new TestSelection(partition: $"{kind}:{m}/{count}").Apply(tests)).ToList();

        var all = shards.SelectMany(s => s).Select(t => t.FullyQualifiedName).ToList();
        Assert.Equal(tests.Count, all.Count);
        Assert.Equal(tests.Select(t => t.FullyQualifiedName).Order(), all.Order());
        Assert.All(shards, shard => Assert.NotEmpty(shard));
    }

    [Fact]
    public void Apply_HashPartition_SameShardWhateverTheOtherTests()
    {
        var small = new TestSelection(partition: "hash:2/3").Apply(Tests(20)).Select(t => t.FullyQualifiedName);
        var large = new TestSelection(partition: "hash:2/3").Apply(Tests(200)).Select(t => t.FullyQualifiedName).ToHashSet();
        Assert.All(small, name => Assert.Contains(name, large));
    }

    [Fact]
    public void Apply_FiltersWithGlobExclusionAndExact_SelectExactlyWhatTheySay()
    {
        var tests = Tests(30);
        Assert.Equal(tests.Count(t => t.DisplayName.StartsWith("group3::", StringComparison.Ordinal)),
            new TestSelection(["group3::*"]).Apply(tests).Count);
        Assert.DoesNotContain(new TestSelection(["test_", "!*group3*"]).Apply(tests), t => t.FullyQualifiedName.Contains("group3", StringComparison.Ordinal));
        Assert.Equal(["suite.bin.group1.test_1"], new TestSelection(["suite.bin.group1.test_1"], exact: true).Apply(tests).Select(t => t.FullyQualifiedName));
        Assert.True(new TestSelection(["test_1"]).Apply(tests).Count > 1);
    }

    [Theory]
    [InlineData("hash:0/3")]
    [InlineData("hash:4/3")]
    [InlineData("modulo:1/3")]
    [InlineData("slice:1/0")]
    public void Constructor_BadPartition_ArgumentException(string partition) =>
        Assert.Throws<ArgumentException>(() => new TestSelection(partition: partition));
}
