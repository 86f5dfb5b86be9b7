using Portal.Analysis.Alerting;
using Portal.Data.Entities.Alerting;
using Portal.Web.Features.Alerts;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Tests.Alerting;

/// <summary>The "log" channel (the demo's demo-log): the notification stays in the portal, stored with its attempt.</summary>
public sealed class LogChannelTests : IDisposable
{
    private readonly AlertingTestHost host = new();

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task A_log_channel_needs_no_settings_and_stores_each_notification_with_a_logged_attempt()
    {
        var errors = await host.WithAsync<ChannelService, ValidationProblems>(s => s.ValidateAsync(new ChannelForm { Name = "log", Type = ChannelType.Log }));
        Assert.True(errors.IsEmpty, string.Join("; ", errors.ToLines()));
        var model = await host.ModelAsync("logged");
        await host.SeedTrafficAsync(model.Id, host.BaseTime, 3, 0.5);
        var channel = await host.ChannelAsync("demo-log", ChannelType.Log, new ChannelSettings());
        await host.RuleAsync("HighErrorRate", "logged", 0.05, "0s", [channel.Id], AlertSeverity.Critical);

        await host.EvaluateAsync(host.BaseTime.AddMinutes(2));

        var notification = Assert.Single(await host.SettledNotificationsAsync());
        Assert.Equal("Sent", notification.Outcome);
        var attempt = Assert.Single(notification.Attempts);
        Assert.True(attempt.Success);
        Assert.Equal("logged", attempt.Status);
        Assert.Equal("this portal (each notification is stored and logged)", ChannelService.Target(channel));
    }
}
