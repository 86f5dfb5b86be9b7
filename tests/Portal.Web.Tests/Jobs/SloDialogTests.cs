using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Analysis.Alerting;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Alerting;
using Portal.Web.Features.Alerts;
using Portal.Web.Features.Slos;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Jobs;

/// <summary>The SLO dialog of the SLO page, rendered on a real portal (in memory): the alert settings a person sets.</summary>
public sealed class SloDialogTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    private readonly BunitContext context = new();

    public Task InitializeAsync()
    {
        context.UsePortal(factory, viewer: null);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await context.DisposeAsync();
        factory.Dispose();
    }

    [Fact]
    public async Task A_person_sets_the_page_and_ticket_severity_and_the_channels_and_the_slos_alert_rules_follow()
    {
        var (model, channel) = await factory.WithServiceAsync<PortalDbContext, (MlModel, NotificationChannel)>(async db =>
        {
            var m = new MlModel { Name = $"dialog-{Guid.NewGuid():N}"[..20], TaskType = ModelTaskType.Binary };
            var c = new NotificationChannel { Name = $"pager-{Guid.NewGuid():N}", Type = ChannelType.Webhook, SettingsJson = "{\"url\":\"http://127.0.0.1:9/\"}" };
            db.AddRange(m, c);
            await db.SaveChangesAsync();
            return (m, c);
        });
        context.Render<MudPopoverProvider>();
        var provider = context.Render<MudDialogProvider>();
        var dialogs = context.Services.GetRequiredService<IDialogService>();
        await provider.InvokeAsync(() => dialogs.ShowAsync<SloDialog>("New SLO", new DialogParameters<SloDialog> { { d => d.Model, model } }));
        provider.WaitForAssertion(() => Assert.NotEmpty(provider.FindComponents<MudCheckBox<bool>>()), TimeSpan.FromSeconds(10));

        var text = provider.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Name");
        await provider.InvokeAsync(() => text.Instance.ValueChanged.InvokeAsync("availability"));
        var kind = provider.FindComponent<MudSelect<Portal.Data.Entities.Jobs.SloKind>>();
        await provider.InvokeAsync(() => kind.Instance.ValueChanged.InvokeAsync(Portal.Data.Entities.Jobs.SloKind.Availability));
        var severities = provider.FindComponents<MudSelect<AlertSeverity>>();
        await provider.InvokeAsync(() => severities.Single(s => s.Instance.Label == "Page alert severity").Instance.ValueChanged.InvokeAsync(AlertSeverity.Warning));
        await provider.InvokeAsync(() => severities.Single(s => s.Instance.Label == "Ticket alert severity").Instance.ValueChanged.InvokeAsync(AlertSeverity.Info));
        var box = provider.FindComponents<MudCheckBox<bool>>().Single(b => b.Instance.Label!.StartsWith(channel.Name, StringComparison.Ordinal));
        await provider.InvokeAsync(() => box.Instance.ValueChanged.InvokeAsync(true));
        await provider.InvokeAsync(() => provider.FindComponents<MudButton>().Single(b => b.Markup.Contains("Save")).Instance.OnClick.InvokeAsync());

        Assert.Equal([$"Page Warning [{channel.Id}]", $"Ticket Info [{channel.Id}]"], await SloRulesAsync(model, 1));

        // Opened on the saved SLO and saved unchanged, the dialog keeps the alert settings (it shows what was saved).
        var saved = await factory.WithServiceAsync<SloService, SloView>(async s => (await s.ListAsync(model)).Single());
        await provider.InvokeAsync(() => dialogs.ShowAsync<SloDialog>("Edit SLO", new DialogParameters<SloDialog> { { d => d.Model, model }, { d => d.Existing, saved } }));
        provider.WaitForAssertion(() => Assert.Single(provider.FindComponents<MudButton>(), b => b.Markup.Contains("Save")), TimeSpan.FromSeconds(10));
        await provider.InvokeAsync(() => provider.FindComponents<MudButton>().Single(b => b.Markup.Contains("Save")).Instance.OnClick.InvokeAsync());
        Assert.Equal([$"Page Warning [{channel.Id}]", $"Ticket Info [{channel.Id}]"], await SloRulesAsync(model, 2));
    }

    /// <summary>The SLO's rules as "alert severity channels", once the SLO has been saved <paramref name="saves"/> times (create, then updates).</summary>
    private Task<List<string>> SloRulesAsync(MlModel model, int saves) => factory.WithServiceAsync<PortalDbContext, List<string>>(async db =>
    {
        for (var wait = 0; wait < 100 && await db.AuditEntries.CountAsync(a => a.EntityType == SloService.EntityType && a.EntityId.StartsWith(model.Name + "/")) < saves; wait++)
        {
            await Task.Delay(100);
        }

        var slo = await db.SloDefinitions.AsNoTracking().SingleAsync(s => s.ModelId == model.Id);
        return await db.AlertRules.AsNoTracking().Where(r => r.SloId == slo.Id).OrderBy(r => r.SloAlert)
            .Select(r => r.SloAlert + " " + r.Severity + " " + r.ChannelIdsJson).ToListAsync();
    });
}
