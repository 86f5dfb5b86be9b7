using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Web.Components.Layout;

namespace Portal.Web.Tests.Layout;

public sealed class MainLayoutTests : IAsyncLifetime
{
    private readonly BunitContext context = new();

    public MainLayoutTests()
    {
        context.Services.AddMudServices();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
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
        var home = cut.FindAll(".mud-nav-link").Single(a => a.TextContent.Contains("Home"));
        Assert.Equal("/", home.GetAttribute("href"));
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
