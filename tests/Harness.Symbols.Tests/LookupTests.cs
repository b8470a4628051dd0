using Harness.Symbols.Tests.Support;
using Harness.Testing;

namespace Harness.Symbols.Tests;

/// <summary>Address to source (<see cref="SourceMap.Lookup"/>, <see cref="SourceMap.FunctionAt"/>) and source to addresses (<see cref="SourceMap.AddressesOf"/>).</summary>
public sealed class LookupTests(BinaryFacts facts) : IClassFixture<BinaryFacts>
{
    public static TheoryData<string> Binaries => [FixtureBinaries.CO0, FixtureBinaries.CO2, FixtureBinaries.ShapesO0, FixtureBinaries.GtestO0, FixtureBinaries.RustUnit];

    /// <summary>
    /// Every statement address maps back to its row. Where several rows share an address (a zero-length row
    /// followed by the real one) the lookup answers with the last of them, the one in effect for the instruction.
    /// </summary>
    [Theory]
    [MemberData(nameof(Binaries))]
    public void Lookup_StatementRowAddress_ReturnsItsRow(string id)
    {
        var map = facts.Map(id);
        var rows = map.Rows.ToArray();
        var stride = Math.Max(1, rows.Length / 5000);
        var checkedRows = 0;
        for (var i = 0; i < rows.Length; i += stride)
        {
            var row = rows[i];
            if (!row.IsStatement || row.IsEndSequence)
            {
                continue;
            }
            var last = i;
            while (last + 1 < rows.Length && rows[last + 1].Address == row.Address && !rows[last + 1].IsEndSequence)
            {
                last++;
            }
            var expected = rows[last];
            var location = map.Lookup(row.Address);
            Assert.True(location is not null, $"no location for statement row {row}");
            Assert.Equal(row.Address, location.Address);
            Assert.True((expected.File, expected.Line, expected.Column) == (location.File, location.Line, location.Column),
                $"0x{row.Address:x}: expected {expected}, got file {location.File} line {location.Line} column {location.Column}");
            Assert.Same(map.FunctionAt(row.Address), location.Function);
            if (location.Function is not null)
            {
                Assert.Equal(location.Function.Name, location.InlineChain[^1].Function);
            }
            checkedRows++;
        }
        Assert.True(checkedRows > 10, $"only {checkedRows} rows checked");
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public void Lookup_AddressInsideRow_ReturnsThatRow(string id)
    {
        var map = facts.Map(id);
        var rows = map.Rows.ToArray();
        var checkedRows = 0;
        for (var i = 0; i + 1 < rows.Length && checkedRows < 2000; i++)
        {
            if (rows[i].IsEndSequence || rows[i + 1].Address <= rows[i].Address + 1)
            {
                continue;
            }
            var location = map.Lookup(rows[i].Address + 1);
            Assert.NotNull(location);
            Assert.True((rows[i].File, rows[i].Line) == (location.File, location.Line), $"0x{rows[i].Address + 1:x}: expected {rows[i]}, got line {location.Line}");
            checkedRows++;
        }
        Assert.True(checkedRows > 10);
    }

    /// <summary>Past the end of a sequence (where no other starts) and below all code nothing is mapped.</summary>
    [Theory]
    [MemberData(nameof(Binaries))]
    public void Lookup_OutsideEverySequence_ReturnsNull(string id)
    {
        var map = facts.Map(id);
        var rows = map.Rows.ToArray();
        var starts = rows.Where(r => !r.IsEndSequence).Select(r => r.Address).ToHashSet();
        var ends = rows.Where(r => r.IsEndSequence && !starts.Contains(r.Address)).Select(r => r.Address).ToList();

        Assert.Null(map.Lookup(0));
        Assert.Null(map.Lookup(rows[0].Address - 1));
        Assert.NotEmpty(ends);
        foreach (var end in ends.Take(200))
        {
            Assert.True(map.Lookup(end) is null, $"0x{end:x} ends a sequence and starts none, but maps to line {map.Lookup(end)?.Line}");
        }
        Assert.Null(map.Lookup(rows[^1].Address));
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public void FunctionAt_LowAndLastAddressOfEachFunction_ReturnsThatFunction(string id)
    {
        var map = facts.Map(id);
        var withCode = map.Functions.Where(f => f.HasCode).ToList();
        var problems = new List<string>();

        Assert.NotEmpty(withCode);
        foreach (var function in withCode)
        {
            foreach (var range in function.Ranges)
            {
                foreach (var address in new[] { range.Start, range.End - 1 })
                {
                    var found = map.FunctionAt(address);
                    if (!ReferenceEquals(found, function))
                    {
                        problems.Add($"0x{address:x} in {function.Name} {range}: FunctionAt gives {found?.Name ?? "null"} {(found is null ? "" : string.Join(",", found.Ranges))}");
                    }
                }
            }
        }
        Assert.True(problems.Count == 0, $"{problems.Count} problems, first:\n  {string.Join("\n  ", problems.Take(15))}");
    }

    /// <summary>
    /// At -O2 glibc's <c>atoi</c> is inlined into the test's main, and ml_apply into ml_eval_line. Inline chains
    /// at those addresses must agree with <c>addr2line -i</c>: same frames, names, files and lines.
    /// </summary>
    [Fact]
    public void Lookup_InlinedCallsAtO2_InlineChainMatchesAddr2line()
    {
        var binary = facts.Path(FixtureBinaries.CO2);
        var map = facts.Map(FixtureBinaries.CO2);
        var main = Assert.Single(map.Functions, f => f.Name == "main");
        Assert.NotEmpty(main.Inlines);

        var rows = map.Rows.ToArray();
        var addresses = new SortedSet<ulong>();
        foreach (var function in map.Functions.Where(f => f.Inlines.Count > 0))
        {
            foreach (var range in function.Inlines.SelectMany(c => c.Ranges))
            {
                addresses.Add(range.Start);
                addresses.Add(range.End - 1);
                foreach (var row in rows.Where(r => !r.IsEndSequence && range.Contains(r.Address)))
                {
                    addresses.Add(row.Address);
                }
            }
        }
        var oracle = Addr2line.Frames(binary, addresses);

        var problems = new List<string>();
        var inlinedInMain = 0;
        foreach (var address in addresses)
        {
            var location = map.Lookup(address);
            Assert.NotNull(location);
            var ours = location.InlineChain.Select(f => new Addr2lineFrame(f.Function, f.File >= 0 ? map.Files[f.File] : "??", f.Line)).ToList();
            var expected = oracle[address];
            if (!ours.SequenceEqual(expected))
            {
                problems.Add($"0x{address:x}: addr2line [{string.Join(" <- ", expected)}], ours [{string.Join(" <- ", ours)}]");
            }
            if (location.Function == main && ours.Count > 1 && ours[0].Function != "main")
            {
                inlinedInMain++;
            }
        }
        Assert.True(problems.Count == 0, $"{problems.Count} of {addresses.Count} addresses disagree, first:\n  {string.Join("\n  ", problems.Take(15))}");
        Assert.True(inlinedInMain > 0, "no address in main has an inlined frame");
    }

    /// <summary>AddressesOf is exactly the distinct statement addresses of the rows of that file and line.</summary>
    [Theory]
    [MemberData(nameof(Binaries))]
    public void AddressesOf_EveryFileAndLine_StatementAddressesOfItsRows(string id)
    {
        var map = facts.Map(id);
        var expected = map.Rows.ToArray()
            .Where(r => r.IsStatement && !r.IsEndSequence && r.Line != 0 && r.File >= 0)
            .GroupBy(r => (r.File, r.Line))
            .ToList();

        Assert.NotEmpty(expected);
        foreach (var group in expected)
        {
            var addresses = group.Select(r => r.Address).Distinct().Order().ToList();
            Assert.Equal(addresses, map.AddressesOf(map.Files[group.Key.File], group.Key.Line));
        }
    }

    [Fact]
    public void AddressesOf_SourceLineOfMathlib_EveryAddressLooksUpToThatLine()
    {
        var source = Path.Combine(Fixtures.CMake("c-ctest", CFlavour.O0).SourceDirectory, "src", "mathlib.c");
        var (_, line) = Assert.Single(SourceText.Find(source, @"^\s*(return a \+ b);"));
        var map = facts.Map(FixtureBinaries.CO0);

        var addresses = map.AddressesOf(source, line);

        Assert.NotEmpty(addresses);
        Assert.All(addresses, a =>
        {
            var location = map.Lookup(a);
            Assert.NotNull(location);
            Assert.Equal((source, line), (map.Files[location.File], location.Line));
            Assert.Equal("ml_apply", location.Function?.Name);
        });
    }

    [Fact]
    public void AddressesOf_UnknownFileOrLineWithoutCode_ReturnsEmpty()
    {
        var source = Path.Combine(Fixtures.CMake("c-ctest", CFlavour.O0).SourceDirectory, "src", "mathlib.c");
        var (_, include) = Assert.Single(SourceText.Find(source, @"^(#include ""mathlib.h"")"));
        var map = facts.Map(FixtureBinaries.CO0);

        Assert.Empty(map.AddressesOf(source, include));
        Assert.Empty(map.AddressesOf(source, 100_000));
        Assert.Empty(map.AddressesOf(source + ".missing", 6));
        Assert.Empty(map.AddressesOf("src/mathlib.c", 6));
    }
}
