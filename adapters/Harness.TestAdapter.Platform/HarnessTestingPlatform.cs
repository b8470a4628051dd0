using System.Reflection;
using Microsoft.Testing.Extensions.VSTestBridge;
using Microsoft.Testing.Extensions.VSTestBridge.Capabilities;
using Microsoft.Testing.Extensions.VSTestBridge.Helpers;
using Microsoft.Testing.Extensions.VSTestBridge.Requests;
using Microsoft.Testing.Platform.Builder;
using Microsoft.Testing.Platform.Capabilities.TestFramework;
using Microsoft.Testing.Platform.Extensions;
using Microsoft.Testing.Platform.Messages;

namespace Harness.TestAdapter.Platform;

/// <summary>
/// Called by the entry point Microsoft.Testing.Platform.MSBuild generates (the <c>TestingPlatformBuilderHook</c>
/// item Harness.NativeTests.targets adds): registers the Harness framework, with <c>--filter</c> and
/// <c>--settings</c> (runsettings) as the bridge provides them.
/// </summary>
public static class TestingPlatformBuilderHook
{
    public static void AddExtensions(ITestApplicationBuilder testApplicationBuilder, string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(testApplicationBuilder);
        var extension = new HarnessExtension();
        var testAssembly = Assembly.GetEntryAssembly() ?? throw new InvalidOperationException("no entry assembly");
        testApplicationBuilder.RegisterTestFramework(
            _ => new TestFrameworkCapabilities(new VSTestBridgeExtensionBaseCapabilities()),
            (capabilities, services) => new HarnessBridgedTestFramework(extension, () => [testAssembly], services, capabilities));
        testApplicationBuilder.AddRunSettingsService(extension);
        testApplicationBuilder.AddTestCaseFilterService(extension);
    }
}

internal sealed class HarnessExtension : IExtension
{
    public string Uid => "Harness";

    public string Version => typeof(HarnessExtension).Assembly.GetName().Version?.ToString() ?? "0";

    public string DisplayName => "Harness native tests";

    public string Description => "Native test suites (libtest, GoogleTest, Catch2, CTest) run by Harness.";

    public Task<bool> IsEnabledAsync() => Task.FromResult(true);
}

/// <summary>The VSTest discoverer and executor, unchanged, driven by the bridge's requests.</summary>
internal sealed class HarnessBridgedTestFramework(
    IExtension extension, Func<IEnumerable<Assembly>> getTestAssemblies, IServiceProvider serviceProvider, ITestFrameworkCapabilities capabilities)
    : SynchronizedSingleSessionVSTestBridgedTestFramework(extension, getTestAssemblies, serviceProvider, capabilities)
{
    protected override Task SynchronizedDiscoverTestsAsync(VSTestDiscoverTestExecutionRequest request, IMessageBus messageBus, CancellationToken cancellationToken)
    {
        new NativeTestDiscoverer().DiscoverTests(request.AssemblyPaths, request.DiscoveryContext, request.MessageLogger, request.DiscoverySink);
        return Task.CompletedTask;
    }

    protected override Task SynchronizedRunTestsAsync(VSTestRunTestExecutionRequest request, IMessageBus messageBus, CancellationToken cancellationToken)
    {
        var executor = new NativeTestExecutor();
        using var registration = cancellationToken.Register(executor.Cancel);
        executor.RunTests(request.AssemblyPaths, request.RunContext, request.FrameworkHandle);
        return Task.CompletedTask;
    }
}
