using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Web.Features.Alerts;
using Portal.Web.Infrastructure.Display;
using Portal.Web.Infrastructure.Provisioning;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Alerting;

/// <summary>The channels page's routing fields, through the real <see cref="ChannelService"/> and database.</summary>
public sealed class ChannelsPageTests : MudComponentTests, IClassFixture<PortalFactory>, IDisposable
{
    private readonly IServiceScope scope;

    public ChannelsPageTests(PortalFactory factory)
    {
        scope = factory.Services.CreateScope();
        Context.Services.AddSingleton(scope.ServiceProvider.GetRequiredService<ChannelService>());
        Context.Services.AddSingleton(factory.Services.GetRequiredService<ProvisioningGuard>());
        Context.Services.AddSingleton(factory.Services.GetRequiredService<IOptions<AlertingOptions>>());
        Context.Services.AddScoped<BrowserTimeZone>();
    }

    [Fact]
    public void Routing_errors_show_at_their_fields_and_the_saved_routing_is_summed_up_in_the_list()
    {
        var name = $"routed-{Guid.NewGuid():N}"[..20];
        var cut = Context.Render<ChannelsPage>();
        cut.WaitForAssertion(() => cut.Find("#channel-new"), Eventually.Deadline);
        cut.Find("#channel-new").Click();
        cut.WaitForAssertion(() => cut.Find("#channel-name"), Eventually.Deadline);
        cut.Find("#channel-name").Change(name);
        cut.Find("#channel-url").Change("https://alerts.example.invalid/hook");
        cut.Find("#channel-matchers").Change("severity=\"critical\"\nmodel=~\"(\"");
        cut.Find("#channel-group-by").Change("model, 1st");
        cut.Find("#channel-group-wait").Change("soon");

        cut.Find("#channel-save").Click();

        cut.WaitForAssertion(() => Assert.Contains("line 2:", Field(cut, "#channel-matchers")), Eventually.Deadline);
        Assert.DoesNotContain("line 1:", Field(cut, "#channel-matchers"));
        Assert.Contains("label 2: \"1st\" is not a label name", Field(cut, "#channel-group-by"));
        Assert.Contains("\"soon\" is not a duration", Field(cut, "#channel-group-wait"));
        Assert.DoesNotContain(cut.FindAll("[data-testid=channel-routing]"), c => c.TextContent.Contains("by model ·", StringComparison.Ordinal));

        cut.Find("#channel-matchers").Change("severity=\"critical\"");
        cut.Find("#channel-group-by").Change("model");
        cut.Find("#channel-group-wait").Change("10s");
        cut.Find("#channel-save").Click();

        cut.WaitForAssertion(() => Assert.Contains(cut.FindAll("[data-testid=channel-routing]"),
            c => c.TextContent == "severity=\"critical\" · by model · wait 10s"), Eventually.Deadline);
        Assert.Equal("model", cut.Find("#channel-group-by").GetAttribute("value")); // the saved form, read back
    }

    public void Dispose() => scope.Dispose();

    /// <summary>The text of the form field around the input: its label, helper and error text.</summary>
    private static string Field(IRenderedComponent<ChannelsPage> cut, string input) =>
        cut.Find(input).Closest(".mud-input-control")?.TextContent ?? "";
}
