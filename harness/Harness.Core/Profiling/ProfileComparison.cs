namespace Harness.Core.Profiling;

/// <summary>How one function's share of a test's time moved between two profiles.</summary>
/// <param name="Name">The function.</param>
/// <param name="Image">Its image's file name (directories differ between checkouts and build trees).</param>
/// <param name="BaselineSelfShare">Self samples / all on-CPU samples in the baseline; 0 when absent there.</param>
/// <param name="CurrentSelfShare">The same in the current profile.</param>
/// <param name="BaselineTotalShare">Total samples / all on-CPU samples in the baseline.</param>
/// <param name="CurrentTotalShare">The same in the current profile.</param>
/// <param name="BaselineSelfMs">Self time in the baseline.</param>
/// <param name="CurrentSelfMs">Self time in the current profile.</param>
public sealed record FunctionShift(
    string Name, string Image, double BaselineSelfShare, double CurrentSelfShare, double BaselineTotalShare, double CurrentTotalShare,
    double BaselineSelfMs, double CurrentSelfMs)
{
    /// <summary>Current minus baseline self share, in share points (0.05 = five percentage points).</summary>
    public double SelfShareChange => CurrentSelfShare - BaselineSelfShare;

    public double TotalShareChange => CurrentTotalShare - BaselineTotalShare;
}

/// <summary>
/// Compares two profiles function by function. Shares, not milliseconds, are compared: a slower machine or a
/// different rate scales every function alike, while a function that now takes a bigger part of the test
/// moved for a reason. (Whether the test as a whole got slower is the duration comparison's question.)
/// </summary>
public static class ProfileComparison
{
    /// <summary>Every function present in either profile, the largest self-share change first.</summary>
    /// <param name="baseline">The earlier profile.</param>
    /// <param name="current">The later profile.</param>
    /// <param name="minimumChange">Leave out functions whose self and total shares both moved less than this (0 keeps all).</param>
    public static IReadOnlyList<FunctionShift> Compare(ProfileEntry baseline, ProfileEntry current, double minimumChange = 0)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        static (string, string) Key(FunctionEntry f) => (f.Name, Path.GetFileName(f.Image));
        var before = baseline.Functions.GroupBy(Key).ToDictionary(g => g.Key, g => g.First());
        var after = current.Functions.GroupBy(Key).ToDictionary(g => g.Key, g => g.First());
        var shifts = new List<FunctionShift>();
        foreach (var key in before.Keys.Union(after.Keys))
        {
            var b = before.GetValueOrDefault(key);
            var a = after.GetValueOrDefault(key);
            var shift = new FunctionShift(key.Item1, key.Item2, b?.SelfShare ?? 0, a?.SelfShare ?? 0, b?.TotalShare ?? 0, a?.TotalShare ?? 0, b?.SelfMs ?? 0, a?.SelfMs ?? 0);
            if (Math.Abs(shift.SelfShareChange) >= minimumChange || Math.Abs(shift.TotalShareChange) >= minimumChange)
            {
                shifts.Add(shift);
            }
        }
        return [.. shifts.OrderByDescending(s => Math.Abs(s.SelfShareChange)).ThenByDescending(s => Math.Abs(s.TotalShareChange)).ThenBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <summary>Per test present in both files (by name), its function shifts.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<FunctionShift>> Compare(ProfileFile baseline, ProfileFile current, double minimumChange = 0)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        var before = baseline.Tests.GroupBy(t => t.Test, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var result = new SortedDictionary<string, IReadOnlyList<FunctionShift>>(StringComparer.Ordinal);
        foreach (var test in current.Tests)
        {
            if (before.TryGetValue(test.Test, out var old))
            {
                result[test.Test] = Compare(old, test, minimumChange);
            }
        }
        return result;
    }
}
