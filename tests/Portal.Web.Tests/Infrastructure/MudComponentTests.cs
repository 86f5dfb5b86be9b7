using Bunit;
using MudBlazor.Services;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>
/// Base of bUnit test classes: a context with MudBlazor's services and loose JS interop (MudBlazor and Plotly call JS the
/// tests do not assert on), disposed asynchronously as MudBlazor's services require.
/// </summary>
public abstract class MudComponentTests : IAsyncLifetime
{
    protected MudComponentTests()
    {
        Context.Services.AddMudServices();
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    protected BunitContext Context { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Context.DisposeAsync();
}
