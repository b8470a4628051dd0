namespace Harness.Symbols.Dwarf;

/// <summary>
/// Turns the kept DIEs into <see cref="Function"/>s: follows DW_AT_specification / DW_AT_abstract_origin
/// to the declaring DIE for the name and its scope, builds the qualified name from the enclosing
/// namespaces and types, maps decl/call files through the unit's line table, and attaches inlined calls.
/// </summary>
internal sealed class FunctionResolver(InfoReader info, Func<int, uint, int> fileOf)
{
    private readonly List<DieRecord> _records = info.Records;
    private readonly string?[] _scopeNames = new string?[info.Records.Count];
    private readonly string?[] _qualifiedNames = new string?[info.Records.Count];
    private readonly List<string> _scopePath = [];

    public List<Function> Resolve()
    {
        var functions = new List<Function>();
        var reachedFromCode = new bool[_records.Count];

        // Inlined calls, gathered flat and grouped by owner with one sort: no list per function, and
        // sized exactly, so no multi-megabyte arrays are thrown away while it grows.
        var count = 0;
        foreach (var record in _records)
        {
            count += record.Tag == DwTag.InlinedSubroutine && record.RangeCount > 0 ? 1 : 0;
        }
        var calls = new List<(int Owner, InlinedCall Call)>(count);
        for (var i = 0; i < _records.Count; i++)
        {
            var record = _records[i];
            if (record.Tag != DwTag.InlinedSubroutine || record.RangeCount <= 0)
            {
                continue;
            }
            MarkChain(i, reachedFromCode);
            var (owner, depth) = OwningSubprogram(i);
            if (owner >= 0)
            {
                calls.Add((owner, new InlinedCall(QualifiedName(i), Ranges(record), fileOf(record.Unit, record.File), record.Line, depth)));
            }
        }
        // DIEs come in pre-order, so one function's inlined calls are already together, outermost first.
        // Only a function nested in another's DIE (a local class's method) can interleave: then sort, stably.
        for (var i = 1; i < calls.Count; i++)
        {
            if (calls[i].Owner < calls[i - 1].Owner)
            {
                calls = [.. calls.OrderBy(c => c.Owner)];
                break;
            }
        }
        var inlines = new Dictionary<int, InlinedCall[]>();
        for (var start = 0; start < calls.Count;)
        {
            var end = start;
            while (end < calls.Count && calls[end].Owner == calls[start].Owner)
            {
                end++;
            }
            var group = new InlinedCall[end - start];
            for (var k = start; k < end; k++)
            {
                group[k - start] = calls[k].Call;
            }
            inlines[calls[start].Owner] = group;
            start = end;
        }

        var withCode = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _records.Count; i++)
        {
            var record = _records[i];
            if (record.Tag != DwTag.Subprogram || record.RangeCount <= 0)
            {
                continue;
            }
            MarkChain(i, reachedFromCode);
            var function = Build(i, Ranges(record), inlines.GetValueOrDefault(i));
            functions.Add(function);
            withCode.Add(function.LinkageName ?? function.Name);
        }

        // Functions DWARF describes but whose code is nowhere: inlined into nothing, or dropped.
        var seen = new HashSet<(string, int, int)>();
        for (var i = 0; i < _records.Count; i++)
        {
            var record = _records[i];
            if (record.Tag != DwTag.Subprogram || record.IsDeclaration || record.RangeCount > 0 || reachedFromCode[i] || DeclaresOnly(i))
            {
                continue;
            }
            var function = Build(i, ArraySegment<AddressRange>.Empty, null);
            if (function.Name.Length == 0 || withCode.Contains(function.LinkageName ?? function.Name)
                || !seen.Add((function.Name, function.DeclFile, function.DeclLine)))
            {
                continue;
            }
            functions.Add(function);
        }
        return functions;
    }

    /// <summary>
    /// A code-less DIE with no source coordinates of its own whose origin is a declaration: GCC's stand-in, in a
    /// calling unit, for a function defined in another — the complete-object constructor <c>_ZN5ShapeC1Ei</c> of a
    /// constructor declared in a class in a header, whose code is the base-object one (<c>C2</c>) in the defining
    /// unit. It declares the function, it does not define one more (which would be a second, never-entered function).
    /// </summary>
    private bool DeclaresOnly(int index)
    {
        var record = _records[index];
        var target = record.File != 0 || record.Next == 0 ? -1 : info.IndexOf(record.Next);
        return target >= 0 && _records[target].IsDeclaration;
    }

    private string? Name(int index) => info.String(_records[index].Unit, _records[index].NameForm, _records[index].Name);

    private string? LinkageName(int index) => info.String(_records[index].Unit, _records[index].LinkageNameForm, _records[index].LinkageName);

    private ArraySegment<AddressRange> Ranges(DieRecord record) => new(info.RangePool, record.RangeStart, record.RangeCount);

    private Function Build(int index, ArraySegment<AddressRange> ranges, InlinedCall[]? calls)
    {
        var chain = Declaration(index);
        calls ??= [];
        var linkage = chain.Linkage < 0 ? null : LinkageName(chain.Linkage);
        var (declFile, declLine) = chain.Decl < 0 ? (-1, 0) : (fileOf(_records[chain.Decl].Unit, _records[chain.Decl].File), _records[chain.Decl].Line);
        return new Function(QualifiedName(index), linkage, ranges, declFile, declLine, calls);
    }

    /// <summary>
    /// Walks the specification / abstract-origin chain from a DIE and returns the indices of the first DIEs
    /// on it with a name, a linkage name and declaration coordinates (-1 when none has), and the last DIE
    /// reached, whose parent is the scope that names the function. Nothing is decoded here.
    /// </summary>
    private (int Declaring, int Name, int Linkage, int Decl) Declaration(int index)
    {
        int name = -1, linkage = -1, decl = -1;
        var current = index;
        for (var hop = 0; hop < Limits.MaxReferenceHops; hop++)
        {
            var record = _records[current];
            if (name < 0 && record.NameForm != 0)
            {
                name = current;
            }
            if (linkage < 0 && record.LinkageNameForm != 0)
            {
                linkage = current;
            }
            if (decl < 0 && record.File != 0 && record.Tag != DwTag.InlinedSubroutine)
            {
                decl = current;
            }
            var target = record.Next == 0 ? -1 : info.IndexOf(record.Next);
            if (target < 0 || target == current)
            {
                break;
            }
            current = target;
        }
        return (current, name, linkage, decl);
    }

    private string QualifiedName(int index)
    {
        if (_qualifiedNames[index] is { } cached)
        {
            return cached;
        }
        var chain = Declaration(index);
        if (_qualifiedNames[chain.Declaring] is not { } qualified)
        {
            var scope = ScopeName(_records[chain.Declaring].Parent);
            var name = chain.Name < 0 ? "" : Name(chain.Name) ?? "";
            qualified = scope is null ? name : $"{scope}::{name}";
            _qualifiedNames[chain.Declaring] = qualified;
        }
        _qualifiedNames[index] = qualified;
        return qualified;
    }

    /// <summary>The qualified name of a scope DIE (namespace, type or enclosing function), cached.</summary>
    private string? ScopeName(int index)
    {
        if (index < 0)
        {
            return null;
        }
        if (_scopeNames[index] is { } cached)
        {
            return cached.Length == 0 ? null : cached;
        }
        var path = _scopePath;
        path.Clear();
        var current = index;
        for (var depth = 0; current >= 0 && depth < Limits.MaxDieDepth; depth++)
        {
            var record = _records[current];
            if (record.Tag is DwTag.Subprogram or DwTag.InlinedSubroutine)
            {
                // A nested function (closure, local class method) is named inside its function.
                var chain = Declaration(current);
                if (chain.Name >= 0 && Name(chain.Name) is { } name)
                {
                    path.Add(name);
                }
                current = _records[chain.Declaring].Parent;
                continue;
            }
            var segment = Name(current) ?? (record.Tag == DwTag.Namespace ? "(anonymous namespace)" : null);
            if (segment is not null)
            {
                path.Add(segment);
            }
            current = record.Parent;
        }
        path.Reverse();
        var joined = string.Join("::", path);
        _scopeNames[index] = joined;
        return joined.Length == 0 ? null : joined;
    }

    private void MarkChain(int index, bool[] reached)
    {
        var current = index;
        for (var hop = 0; hop < Limits.MaxReferenceHops; hop++)
        {
            reached[current] = true;
            var record = _records[current];
            var target = record.Next == 0 ? -1 : info.IndexOf(record.Next);
            if (target < 0 || reached[target])
            {
                return;
            }
            current = target;
        }
    }

    /// <summary>The subprogram an inlined call sits in, and how many inlined calls deep it is.</summary>
    private (int Owner, int Depth) OwningSubprogram(int index)
    {
        var depth = 1;
        var current = _records[index].Parent;
        for (var guard = 0; current >= 0 && guard < Limits.MaxDieDepth; guard++)
        {
            var record = _records[current];
            if (record.Tag == DwTag.Subprogram)
            {
                return (current, depth);
            }
            if (record.Tag == DwTag.InlinedSubroutine)
            {
                depth++;
            }
            current = record.Parent;
        }
        return (-1, depth);
    }
}
