using Harness.Core.Changes;
using LineRange = Harness.Core.Changes.LineRange;

namespace Harness.Core.Tests.Changes;

/// <summary><c>git diff --unified=0</c> as git prints it: base lines touched, working-tree lines added, per file.</summary>
public sealed class GitChangesTests
{
    private const string Diff = """
        diff --git a/src/lib.rs b/src/lib.rs
        index 1111111..2222222 100644
        --- a/src/lib.rs
        +++ b/src/lib.rs
        @@ -9 +9 @@ pub fn add(a: i64, b: i64) -> i64 {
        -    a + b
        +    a.saturating_add(b)
        @@ -20,0 +21,3 @@ fn other() {
        +// one
        +// two
        +// three
        @@ -30,2 +33,0 @@
        --- a removed line that starts with two dashes
        -    x
        diff --git a/docs/new.md b/docs/new.md
        new file mode 100644
        index 0000000..3333333
        --- /dev/null
        +++ b/docs/new.md
        @@ -0,0 +1,2 @@
        +# New
        +text
        diff --git a/gone.c b/gone.c
        deleted file mode 100644
        --- a/gone.c
        +++ /dev/null
        @@ -1,3 +0,0 @@
        -int a;
        -int b;
        -int c;
        diff --git a/logo.png b/logo.png
        index 4444444..5555555 100644
        Binary files a/logo.png and b/logo.png differ
        """;

    [Fact]
    public void Parse_ChangedInsertedRemovedLines_BaseAndWorkingTreeSides()
    {
        var files = GitChanges.Parse(Diff).ToDictionary(f => f.Path);

        var lib = files["src/lib.rs"];
        Assert.Equal([new LineRange(9, 9), new LineRange(20, 21), new LineRange(30, 31)], lib.Touched);
        Assert.Equal([new LineRange(9, 9), new LineRange(21, 23)], lib.Added);
        Assert.False(lib.IsNew);
        Assert.True(lib.Touches(21)); // the line after the insertion point: "added next to"
        Assert.False(lib.Touches(22));
    }

    [Fact]
    public void Parse_NewDeletedAndBinaryFiles_NamedWithTheirLines()
    {
        var files = GitChanges.Parse(Diff).ToDictionary(f => f.Path);

        Assert.True(files["docs/new.md"].IsNew);
        Assert.Equal([new LineRange(1, 2)], files["docs/new.md"].Added);
        Assert.Equal([new LineRange(1, 3)], files["gone.c"].Touched);
        Assert.Empty(files["gone.c"].Added);
        Assert.Empty(files["logo.png"].Touched);
        Assert.Equal(4, files.Count);
    }

    [Fact]
    public void Since_RealRepository_CommittedUncommittedAndUntracked()
    {
        using var directory = new TempDirectory("git-changes");
        void Git(params string[] arguments) => ProcessRunner.Run("git", ["-c", "user.name=t", "-c", "user.email=t@t.invalid", .. arguments], directory.Path).EnsureSuccess("git");
        File.WriteAllLines(directory.File("a.txt"), ["1", "2", "3", "4"]);
        Git("init", "-q");
        Git("add", "-A");
        Git("commit", "-q", "-m", "base");
        File.WriteAllLines(directory.File("a.txt"), ["1", "two", "3", "4", "5"]);
        File.WriteAllLines(directory.File("b.txt"), ["new", "file"]);

        var changes = GitChanges.Since(GitChanges.Repository(directory.Path), "HEAD");

        Assert.Equal(40, changes.Base.Length);
        Assert.Equal([new LineRange(2, 2), new LineRange(5, 5)], changes.Files["a.txt"].Added);
        Assert.True(changes.Files["b.txt"].IsNew);
        Assert.Equal([new LineRange(1, 2)], changes.Files["b.txt"].Added);
        Assert.Throws<ChangeException>(() => GitChanges.Since(directory.Path, "no-such-ref"));
    }
}
