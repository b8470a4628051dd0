using Harness.Core.Profiling;

namespace Harness.Core.Tests.Profiling;

/// <summary>Per-function comparison of two profiles by self and total shares, on real profiles.</summary>
public sealed class ProfileComparisonTests
{
    private static ProfileEntry Entry(TestProfile profile) => ProfileEntry.From(profile, "f", "s");

    [Fact]
    public void Compare_ProfileWithItself_NoFunctionMoves()
    {
        var entry = Entry(ProfileFixture.Hotspot);

        var shifts = ProfileComparison.Compare(entry, entry);

        Assert.Equal(entry.Functions.Count, shifts.Count);
        Assert.All(shifts, s => Assert.Equal(0, s.SelfShareChange));
        Assert.Empty(ProfileComparison.Compare(entry, entry, minimumChange: 0.01));
    }

    [Fact]
    public void Compare_HotspotThenSpinners_HotLoopLosesItsShareFirstAndSpinnersAppear()
    {
        var before = Entry(ProfileFixture.Hotspot);
        var after = Entry(ProfileFixture.Spinners) with { Test = before.Test };

        var shifts = ProfileComparison.Compare(before, after);

        Assert.Equal("hot_loop", shifts[0].Name);
        Assert.True(shifts[0].SelfShareChange < -0.5, $"{shifts[0].SelfShareChange}");
        Assert.Equal(0, shifts[0].CurrentSelfShare);
        var spinner = Assert.Single(shifts, s => s.Name == "spin_one");
        Assert.Equal(0, spinner.BaselineSelfShare);
        Assert.True(spinner.SelfShareChange > 0.1);

        var byTest = ProfileComparison.Compare(new ProfileFile(1, 1000, [before]), new ProfileFile(1, 1000, [after]));
        Assert.Equal(shifts, byTest[before.Test]);
    }
}
