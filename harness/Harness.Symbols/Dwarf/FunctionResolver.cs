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

    public List<Function> Resolve()
    {
        var functions = new List<Function>();
        var inlines = new Dictionary<int, List<InlinedCall>>();
        var reachedFromCode = new bool[_records.Count];

        for (var i = 0; i < _records.Count; i++)
        {
            var record = _records[i];
            if (record.Tag != DwTag.InlinedSubroutine || record.Ranges is not { Length: > 0 })
            {
                continue;
            }
            MarkChain(i, reachedFromCode);
            var (owner, depth) = OwningSubprogram(i);
            if (owner < 0)
            {
                continue;
            }
            if (!inlines.TryGetValue(owner, out var list))
            {
                inlines[owner] = list = [];
            }
            list.Add(new InlinedCall(QualifiedName(i), record.Ranges, fileOf(record.Unit, record.CallFile), record.CallLine, depth));
        }

        var withCode = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _records.Count; i++)
        {
            var record = _records[i];
            if (record.Tag != DwTag.Subprogram || record.Ranges is not { Length: > 0 })
            {
                continue;
            }
            MarkChain(i, reachedFromCode);
            var function = Build(i, record.Ranges, inlines.GetValueOrDefault(i));
            functions.Add(function);
            withCode.Add(function.LinkageName ?? function.Name);
        }

        // Functions DWARF describes but whose code is nowhere: inlined into nothing, or dropped.
        var seen = new HashSet<(string, int, int)>();
        for (var i = 0; i < _records.Count; i++)
        {
            var record = _records[i];
            if (record.Tag != DwTag.Subprogram || record.IsDeclaration || record.Ranges is { Length: > 0 } || reachedFromCode[i])
            {
                continue;
            }
            var function = Build(i, [], null);
            if (function.Name.Length == 0 || withCode.Contains(function.LinkageName ?? function.Name)
                || !seen.Add((function.Name, function.DeclFile, function.DeclLine)))
            {
                continue;
            }
            functions.Add(function);
        }
        return functions;
    }

    private Function Build(int index, AddressRange[] ranges, List<InlinedCall>? inlines)
    {
        var (declaring, name, linkage, declFile, declLine, declUnit) = Declaration(index);
        _ = declaring;
        IReadOnlyList<InlinedCall> calls = inlines is null ? [] : [.. inlines.OrderBy(c => c.Depth).ThenBy(c => c.Ranges[0].Start)];
        return new Function(QualifiedName(index), linkage, ranges, fileOf(declUnit, declFile), declLine, calls);
    }

    /// <summary>
    /// Walks the specification / abstract-origin chain from a DIE, taking the first name, linkage name
    /// and declaration coordinates found; returns the last DIE reached, whose parent is the naming scope.
    /// </summary>
    private (int Declaring, string? Name, string? Linkage, uint DeclFile, int DeclLine, int DeclUnit) Declaration(int index)
    {
        string? name = null, linkage = null;
        uint declFile = 0;
        var declLine = 0;
        var declUnit = _records[index].Unit;
        var current = index;
        for (var hop = 0; hop < Limits.MaxReferenceHops; hop++)
        {
            var record = _records[current];
            name ??= info.String(record.Unit, record.Name);
            linkage ??= info.String(record.Unit, record.LinkageName);
            if (declFile == 0 && record.DeclFile != 0)
            {
                (declFile, declLine, declUnit) = (record.DeclFile, record.DeclLine, record.Unit);
            }
            var next = record.Specification != 0 ? record.Specification : record.AbstractOrigin;
            if (next == 0 || !info.RecordsByOffset.TryGetValue(next, out var target) || target == current)
            {
                break;
            }
            current = target;
        }
        return (current, name, linkage, declFile, declLine, declUnit);
    }

    private string QualifiedName(int index)
    {
        if (_qualifiedNames[index] is { } cached)
        {
            return cached;
        }
        var (declaring, name, _, _, _, _) = Declaration(index);
        if (_qualifiedNames[declaring] is not { } qualified)
        {
            var scope = ScopeName(_records[declaring].Parent);
            name ??= "";
            qualified = scope is null ? name : $"{scope}::{name}";
            _qualifiedNames[declaring] = qualified;
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
        var path = new Stack<string>();
        var current = index;
        for (var depth = 0; current >= 0 && depth < Limits.MaxDieDepth; depth++)
        {
            var record = _records[current];
            if (record.Tag is DwTag.Subprogram or DwTag.InlinedSubroutine)
            {
                // A nested function (closure, local class method) is named inside its function.
                var (declaring, name, _, _, _, _) = Declaration(current);
                if (name is not null)
                {
                    path.Push(name);
                }
                current = declaring == current ? record.Parent : _records[declaring].Parent;
                continue;
            }
            var segment = info.String(record.Unit, record.Name) ?? (record.Tag == DwTag.Namespace ? "(anonymous namespace)" : null);
            if (segment is not null)
            {
                path.Push(segment);
            }
            current = record.Parent;
        }
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
            var next = record.Specification != 0 ? record.Specification : record.AbstractOrigin;
            if (next == 0 || !info.RecordsByOffset.TryGetValue(next, out var target) || reached[target])
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
