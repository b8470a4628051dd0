namespace Harness.Symbols.ControlFlow;

/// <summary>
/// Immediate dominators by the iterative algorithm of Cooper, Harvey and Kennedy ("A Simple, Fast Dominance
/// Algorithm", 2001), over the graph with a virtual root whose successors are block 0 and every block with no
/// predecessor (landing pads). Blocks reachable only through a cycle of blocks with predecessors get block 0's
/// treatment too: each first unvisited block becomes a root.
/// </summary>
internal static class Dominators
{
    public static int[] Compute(BasicBlock[] blocks, int[][] predecessors)
    {
        var n = blocks.Length;
        const int Virtual = -1;
        // Reverse postorder from the roots.
        var order = new int[n];
        var postIndex = new int[n];
        Array.Fill(postIndex, -1);
        var visited = new bool[n];
        var post = new List<int>(n);
        var roots = new List<int> { 0 };
        for (var b = 1; b < n; b++)
        {
            if (predecessors[b].Length == 0)
            {
                roots.Add(b);
            }
        }
        var isRoot = new bool[n];
        void Visit(int root)
        {
            var stack = new Stack<(int Block, int Next)>();
            visited[root] = true;
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (block, next) = stack.Pop();
                var successors = blocks[block].Successors;
                if (next < successors.Length)
                {
                    stack.Push((block, next + 1));
                    var s = successors[next];
                    if (!visited[s])
                    {
                        visited[s] = true;
                        stack.Push((s, 0));
                    }
                }
                else
                {
                    postIndex[block] = post.Count;
                    post.Add(block);
                }
            }
        }
        foreach (var root in roots)
        {
            isRoot[root] = true;
            Visit(root);
        }
        for (var b = 0; b < n; b++)
        {
            if (!visited[b])
            {
                // Only reachable from a cycle no root leads into: treat as a root (it is entered from outside somehow).
                isRoot[b] = true;
                Visit(b);
            }
        }
        for (var i = 0; i < n; i++)
        {
            order[i] = post[n - 1 - i];
        }
        // The virtual root has the highest postorder number.
        var idom = new int[n];
        Array.Fill(idom, int.MinValue);
        int Post(int b) => b == Virtual ? n : postIndex[b];
        int Intersect(int a, int b)
        {
            while (a != b)
            {
                while (Post(a) < Post(b))
                {
                    a = idom[a];
                }
                while (Post(b) < Post(a))
                {
                    b = idom[b];
                }
            }
            return a;
        }
        for (var b = 0; b < n; b++)
        {
            if (isRoot[b])
            {
                idom[b] = Virtual;
            }
        }
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var b in order)
            {
                var chosen = int.MinValue;
                if (isRoot[b])
                {
                    chosen = Virtual;
                }
                foreach (var p in predecessors[b])
                {
                    if (idom[p] == int.MinValue)
                    {
                        continue;
                    }
                    chosen = chosen == int.MinValue ? p : Intersect(p, chosen);
                }
                if (chosen != int.MinValue && idom[b] != chosen)
                {
                    idom[b] = chosen;
                    changed = true;
                }
            }
        }
        return idom;
    }
}
