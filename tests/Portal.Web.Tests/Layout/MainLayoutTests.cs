using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Web.Components.Layout;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Tests.Layout;

public sealed class MainLayoutTests : IAsyncLifetime
{
    private readonly BunitContext context = new();
    private readonly BunitAuthorizationContext authorization;

    public MainLayoutTests()
    {
        context.Services.AddMudServices();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        authorization = context.AddAuthorization();
        authorization.SetAuthorized("ada@example.com");
        authorization.SetRoles(PortalRoles.Viewer);
        authorization.SetPolicies(Policies.Viewer);
        context.Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor registers services that can only be disposed asynchronously.
    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public void Layout_shows_the_app_bar_navigation_and_the_page_body()
    {
        var cut = context.Render<MainLayout>(p => p.Add(l => l.Body, b => b.AddMarkupContent(0, "<p id=\"page\">page body</p>")));

        Assert.Contains("Portal", cut.Find(".mud-appbar").TextContent);
        Assert.Equal("page body", cut.Find("#page").TextContent);
        Assert.NotNull(cut.Find("#portal-interactive"));
        var home = cut.FindAll(".mud-nav-link").Single(a => a.TextContent.Contains("Home"));
        Assert.Equal("/", home.GetAttribute("href"));
    }

    [Fact]
    public void App_bar_shows_who_is_signed_in_and_a_sign_out_form()
    {
        authorization.SetClaims(new System.Security.Claims.Claim(PortalClaims.DisplayName, "Ada <b>Lovelace</b>"));

        var cut = context.Render<MainLayout>(p => p.Add(l => l.Body, b => b.AddMarkupContent(0, "<p>x</p>")));

        Assert.Equal("Ada <b>Lovelace</b>", cut.Find("[data-testid='signed-in-as']").TextContent);
        Assert.Contains(PortalRoles.Viewer, cut.Find(".mud-appbar").TextContent);
        var form = cut.Find("form[action='/logout']");
        Assert.Equal("post", form.GetAttribute("method"));
    }

    [Fact]
    public void Viewer_sees_no_admin_links()
    {
        var viewer = context.Render<MainLayout>(p => p.Add(l => l.Body, b => b.AddMarkupContent(0, "<p>x</p>")));
        Assert.DoesNotContain(viewer.FindAll(".mud-nav-link"), a => a.GetAttribute("href") is "/admin/users" or "/admin/audit");
    }

    [Fact]
    public void Admin_sees_the_admin_links()
    {
        authorization.SetRoles(PortalRoles.Admin);
        authorization.SetPolicies(Policies.Viewer, Policies.Engineer, Policies.ProductOwner, Policies.Admin);
        var admin = context.Render<MainLayout>(p => p.Add(l => l.Body, b => b.AddMarkupContent(0, "<p>x</p>")));
        var links = admin.FindAll(".mud-nav-link").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains("/admin/users", links);
        Assert.Contains("/admin/api-keys", links);
        Assert.Contains("/admin/audit", links);
    }

    [Fact]
    public void Menu_button_toggles_the_drawer()
    {
        var cut = context.Render<MainLayout>(p => p.Add(l => l.Body, b => b.AddMarkupContent(0, "<p>x</p>")));
        var initiallyOpen = IsOpen(cut);

        cut.Find("button[aria-label='Toggle navigation']").Click();
        Assert.NotEqual(initiallyOpen, IsOpen(cut));

        cut.Find("button[aria-label='Toggle navigation']").Click();
        Assert.Equal(initiallyOpen, IsOpen(cut));
    }

    private static bool IsOpen(IRenderedComponent<MainLayout> cut) =>
        cut.Find(".mud-drawer").ClassList.Contains("mud-drawer--open");
}
