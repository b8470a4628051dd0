using System.Globalization;
using Harness.EndToEnd.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Harness.EndToEnd.Tests;

/// <summary>
/// The HTML report of a mixed run — coverlet's Cobertura for a .NET library and harness's breakpoint coverage
/// of a C program — opened in the system's headless Chromium through Playwright (no browser download: the
/// Playwright driver ships in its NuGet package, the browser is Debian's <c>chromium</c>).
/// </summary>
public sealed class HtmlReportBrowserTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";
    private const int Width = 1280;

    [Fact]
    public async Task Report_MixedCoverletAndNativeHtml_ShowsHarnessTotalsAndLineCoverageInChromium()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} missing: tests/setup.sh installs Debian's chromium");
        using var temp = new TempDirectory("report-browser");
        var source = Path.Combine(Repository.FixturesDirectory, "c-trace", "src", "coverage_oracle.c");
        var program = temp.File("oracle");
        ProcessRunner.Run("gcc", ["-g", "-O0", source, "-o", program]).EnsureSuccess("gcc coverage_oracle.c");
        var cover = HarnessCover.Run(temp.File("native"), [], program);
        Assert.True(cover.ExitCode == 0, cover.ToString());
        var coverlet = Path.Combine(Repository.Root, "tests", "Harness.Reporters.Tests", "TestData", "coverlet");
        var output = temp.File("report");

        var report = HarnessReport.Run("report", cover.LcovPath, Path.Combine(coverlet, "coverage.cobertura.xml"),
            "--path-map", $"/tmp/coverlet6={coverlet}", "--out", output, "--formats", "html", "--title", "Mixed run");

        Assert.True(report.ExitCode == 0, report.StandardError);
        var totals = HarnessReport.Totals(report);
        Assert.Equal(2, totals.Files);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // The tests run as root in a container, where Chromium's sandbox cannot start.
            Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(Path.Combine(output, "html", "index.html")).AbsoluteUri);

        Assert.Equal(totals.LinesCovered.ToString(CultureInfo.InvariantCulture), await SummaryValue(page, "Covered lines:"));
        Assert.Equal(totals.LinesValid.ToString(CultureInfo.InvariantCulture), await SummaryValue(page, "Coverable lines:"));
        Assert.Equal(totals.BranchesValid.ToString(CultureInfo.InvariantCulture), await SummaryValue(page, "Total branches:"));
        // The class table is drawn by the page's script: both languages are there only if it ran.
        await Visible(page.Locator("a", new() { HasText = "Pricing" }).First);
        var oracle = page.Locator("a", new() { HasText = "coverage_oracle" }).First;
        await Visible(oracle);

        await oracle.ClickAsync();
        var file = SourceFile.Read(source);
        var covered = file.StatementLine("printf(\"total = %d\\n\", total);");
        var uncovered = file.StatementLine("printf(\"impossible: negative total\\n\");");
        Assert.Equal(1, await page.Locator($"tr:has(a#file0_line{covered}) td.lightgreen").CountAsync());
        Assert.Equal(1, await page.Locator($"tr:has(a#file0_line{uncovered}) td.lightred").CountAsync());
        // Source text is shown, with spaces as no-break spaces.
        Assert.Contains("impossible: negative total", (await page.Locator($"tr:has(a#file0_line{uncovered})").InnerTextAsync()).Replace('\u00A0', ' '), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_RustRunWithAFailureAndPerTestCoverage_TestsPageAndCoveringTestsReadableAt1280()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} missing: tests/setup.sh installs Debian's chromium");
        using var temp = new TempDirectory("report-tests");
        var rust = Fixtures.Rust(RustFlavour.Default).SourceDirectory;
        var run = ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, "test", rust, "--per-test-coverage", "--filter", "rust.calc.lib.", "--no-history", "--out", temp.File("run")],
            timeout: TimeSpan.FromMinutes(3));
        Assert.True(run.ExitCode == 1, run.StandardOutput + run.StandardError); // one test fails on purpose
        var reportDirectory = temp.File("report");
        var report = HarnessReport.Run("report", temp.File("run"), "--out", reportDirectory, "--formats", "html", "--title", "Rust run");
        Assert.True(report.ExitCode == 0, report.StandardError);
        var html = Path.Combine(reportDirectory, "html");
        foreach (var page in Directory.EnumerateFiles(html, "*.html", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(page);
            Assert.DoesNotContain("sponsor", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("PRO version", text, StringComparison.OrdinalIgnoreCase);
        }

        await using var browser = await Launch();
        var tab = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = Width, Height = 900 } });
        await tab.GotoAsync(new Uri(Path.Combine(html, "index.html")).AbsoluteUri);
        await FitsAndScreenshot(tab, "index");
        // Breakpoint coverage has no branch data: no branch columns or totals.
        Assert.Equal(0, await tab.Locator("th", new() { HasText = "Branch" }).CountAsync());

        await tab.Locator("header a", new() { HasText = "Tests" }).ClickAsync();
        await FitsAndScreenshot(tab, "tests");
        var failure = tab.Locator(".failure", new() { HasText = "rust.calc.lib.tests.deliberately_fails" });
        await Visible(failure);
        var failureText = await failure.InnerTextAsync();
        Assert.Contains("two plus two", failureText, StringComparison.Ordinal);
        Assert.Contains("lib.rs:", failureText, StringComparison.Ordinal);
        await failure.Locator("summary", new() { HasText = "standard output" }).ClickAsync();
        await Visible(failure.Locator("pre", new() { HasText = "stdout from deliberately_fails" }));
        Assert.Equal(1, await tab.Locator("tr", new() { HasText = "rust.calc.lib.tests.gcd_of_pairs" }).Locator("td.outcome.passed").CountAsync());

        // The panic line of arith.rs is run by one test only: its row names it and links to its result.
        await tab.Locator("header a", new() { HasText = "Coverage" }).ClickAsync();
        await tab.Locator("a", new() { HasText = "arith.rs" }).First.ClickAsync();
        await FitsAndScreenshot(tab, "arith.rs");
        var arith = Path.Combine(rust, "calc", "src", "arith.rs");
        var panicLine = Array.FindIndex(File.ReadAllLines(arith), l => l.Contains("panic!(\"division by zero\")", StringComparison.Ordinal)) + 1;
        Assert.True(panicLine > 0);
        var row = tab.Locator($"tr:has(a#file0_line{panicLine})");
        Assert.Equal(1, await row.Locator("td.lightgreen").CountAsync());
        var covering = row.Locator("td.tests a");
        Assert.Equal("tests::div_by_zero_panics", (await covering.InnerTextAsync()).Trim());
        Assert.Equal("rust.calc.lib.tests.div_by_zero_panics", await covering.GetAttributeAsync("title"));
        await covering.ClickAsync();
        Assert.StartsWith("#t", await tab.EvaluateAsync<string>("location.hash"), StringComparison.Ordinal);
        await Visible(tab.Locator("tr:target", new() { HasText = "rust.calc.lib.tests.div_by_zero_panics" }));
    }

    private static async Task<AsyncBrowser> Launch()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox"],
        });
        return new AsyncBrowser(playwright, browser);
    }

    /// <summary>The page needs no horizontal scrolling at 1280 px; its screenshot goes to artifacts/screenshots/ and the test output.</summary>
    private async Task FitsAndScreenshot(IPage page, string name)
    {
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        var directory = Path.Combine(Repository.Root, "artifacts", "screenshots", "html-report");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path} (scroll width {width} px)");
        Assert.True(width <= Width, $"{name}: {width} px wide at a {Width} px window (screenshot {path})");
    }

    /// <summary>Playwright and its browser, disposed together.</summary>
    private sealed class AsyncBrowser(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
    {
        public Task<IPage> NewPageAsync(BrowserNewPageOptions options) => browser.NewPageAsync(options);

        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    private static async Task Visible(ILocator locator)
    {
        try
        {
            await locator.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 10_000 });
        }
        catch (TimeoutException e)
        {
            Assert.Fail($"not visible within 10 s: {locator} ({e.Message})");
        }
    }

    private static async Task<string> SummaryValue(IPage page, string header) =>
        (await page.Locator($"tr:has(th:text-is(\"{header}\")) td").First.InnerTextAsync()).Trim();
}
