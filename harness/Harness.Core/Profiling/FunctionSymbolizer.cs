using System.Collections.Concurrent;
using Harness.Symbols;

namespace Harness.Core.Profiling;

/// <summary>
/// Names sampled addresses: the DWARF function (with the calls inlined at that address as frames of their
/// own), else the ELF symbol whose range holds the address, else <c>[image]</c>. Images are read once, on
/// first use, and shared by every profile of a run; safe from parallel test jobs.
/// </summary>
public sealed class FunctionSymbolizer
{
    private readonly ConcurrentDictionary<string, Lazy<ImageSymbols>> _images = new(StringComparer.Ordinal);

    /// <summary>
    /// The frames at a link-time address of an image, outermost first (the function, then calls inlined into it).
    /// A caller's address is a return address, one past its call: it is looked up one byte back.
    /// </summary>
    public IReadOnlyList<ProfileFrame> Frames(string image, ulong address, bool returnAddress)
    {
        if (!image.StartsWith('/'))
        {
            return [new ProfileFrame(image.Length == 0 ? "[unknown]" : image, image, null, null, false)];
        }
        var symbols = _images.GetOrAdd(image, path => new Lazy<ImageSymbols>(() => new ImageSymbols(path))).Value;
        return symbols.Frames(returnAddress ? address - 1 : address);
    }

    private sealed class ImageSymbols
    {
        private readonly string _path;
        private readonly SourceMap? _map;
        private readonly (ulong Start, ulong End, string Name)[] _symbols;
        private readonly ConcurrentDictionary<ulong, IReadOnlyList<ProfileFrame>> _cache = new();
        private readonly ProfileFrame _unknown;

        public ImageSymbols(string path)
        {
            _path = path;
            _unknown = new ProfileFrame($"[{System.IO.Path.GetFileName(path)}]", path, null, null, false);
            try
            {
                _map = SourceMap.Load(path);
            }
            catch (SymbolReadException)
            {
                _map = null; // no DWARF (a system library): ELF symbols only
            }
            _symbols = ElfFunctions(path);
        }

        public IReadOnlyList<ProfileFrame> Frames(ulong address) => _cache.GetOrAdd(address, Resolve);

        private IReadOnlyList<ProfileFrame> Resolve(ulong address)
        {
            if (_map?.Lookup(address) is { Function: { } function } location)
            {
                var frames = new List<ProfileFrame>
                {
                    new(function.Name, _path, function.DeclFile >= 0 ? _map.Files[function.DeclFile] : null, function.DeclLine > 0 ? function.DeclLine : null, false),
                };
                // The chain is innermost first and ends with the function itself.
                for (var i = location.InlineChain.Count - 2; i >= 0; i--)
                {
                    frames.Add(new ProfileFrame(location.InlineChain[i].Function, _path, null, null, true));
                }
                return frames;
            }
            if (_map?.FunctionAt(address) is { } only)
            {
                return [new ProfileFrame(only.Name, _path, only.DeclFile >= 0 ? _map.Files[only.DeclFile] : null, only.DeclLine > 0 ? only.DeclLine : null, false)];
            }
            var index = Array.BinarySearch(_symbols, (address, ulong.MaxValue, ""), Comparer<(ulong, ulong, string)>.Create((a, b) => a.Item1.CompareTo(b.Item1)));
            index = index >= 0 ? index : ~index - 1;
            for (var i = index; i >= 0 && i > index - 4; i--)
            {
                if (address >= _symbols[i].Start && address < _symbols[i].End)
                {
                    return [new ProfileFrame(_symbols[i].Name, _path, null, null, false)];
                }
            }
            return [_unknown];
        }

        /// <summary>Function symbols with a size from .symtab and .dynsym, sorted by address; empty when the file cannot be read.</summary>
        private static (ulong, ulong, string)[] ElfFunctions(string path)
        {
            ElfSymbolTable table;
            try
            {
                table = ElfSymbolTable.Load(path);
            }
            catch (SymbolReadException)
            {
                return [];
            }
            var functions = new Dictionary<ulong, (ulong, ulong, string)>();
            foreach (var symbol in table.Symbols)
            {
                if (symbol is { IsFunction: true, Size: > 0 })
                {
                    functions.TryAdd(symbol.Address, (symbol.Address, symbol.Address + symbol.Size, Demangler.Demangle(symbol.Name)));
                }
            }
            return [.. functions.Values.OrderBy(f => f.Item1)];
        }
    }
}
