using System.Globalization;
using Harness.EndToEnd.Tests.Support;
using Microsoft.Playwright;

namespace Harness.EndToEnd.Tests;

/// <summary>
/// The HTML report of a mixed run — coverlet's Cobertura for a .NET library and harness's breakpoint coverage
/// of a C program — opened in the system's headless Chromium through Playwright (no browser download: the
/// Playwright driver ships in its NuGet package, the browser is Debian's <c>chromium</c>).
/// </summary>
public sealed class HtmlReportBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

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
