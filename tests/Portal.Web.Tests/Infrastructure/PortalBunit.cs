using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using MudBlazor.Services;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>A bUnit context that renders the portal's pages and tabs on a real portal (in memory).</summary>
public static class PortalBunit
{
    /// <summary>
    /// MudBlazor, loose JS interop, the portal's services behind bUnit's own, and an interactive renderer (the tabs
    /// subscribe to changes when their renderer is interactive, as a Blazor Server circuit is); signed in as a Viewer
    /// unless <paramref name="viewer"/> is null.
    /// </summary>
    public static BunitContext UsePortal(this BunitContext context, PortalFactory factory, string? viewer = "viewer@test.local")
    {
        context.Services.AddMudServices();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        if (viewer is not null)
        {
            context.AddAuthorization().SetAuthorized(viewer).SetRoles("Viewer");
        }

        context.Services.AddFallbackServiceProvider(factory.Services);
        // After the services: reading the renderer builds the provider.
        context.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return context;
    }
}
