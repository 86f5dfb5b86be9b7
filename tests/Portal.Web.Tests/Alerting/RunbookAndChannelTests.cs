using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities.Alerting;
using Portal.Web.Features.Alerts;
using Portal.Web.Features.Runbooks;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Tests.Alerting;

public sealed class RunbookAndChannelTests : IDisposable
{
    private readonly AlertingTestHost host = new();

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task Seven_runbooks_are_seeded_once()
    {
        var titles = await host.DbAsync(db => db.Runbooks.Select(r => r.Title).OrderBy(t => t).ToListAsync());
        Assert.Equal(["Concept drift", "Data drift", "High error rate", "High latency", "Low accuracy", "Low confidence", "SLO burn"], titles);
        Assert.Equal(7, await host.DbAsync(db => db.RunbookVersions.CountAsync()));
    }

    [Fact]
    public async Task Every_changed_save_adds_a_version_and_the_diff_shows_the_change()
    {
        var first = await host.WithAsync<RunbookService, Runbook>(s => s.SaveAsync(null, "Disk full", "# Disk full\n\nFree space.\n", "Infra, disk, infra"));
        Assert.Equal("infra,disk", first.Tags);
        var second = await host.WithAsync<RunbookService, Runbook>(s => s.SaveAsync(first.Id, "Disk full", "# Disk full\n\nFree space on /var.\nPage storage.\n", "infra,disk"));
        var unchanged = await host.WithAsync<RunbookService, Runbook>(s => s.SaveAsync(first.Id, "Disk full", "# Disk full\n\nFree space on /var.\nPage storage.\n", "infra,disk"));
        Assert.Equal(2, second.Version);
        Assert.Equal(2, unchanged.Version);
        var versions = await host.WithAsync<RunbookService, IReadOnlyList<RunbookVersion>>(s => s.VersionsAsync(first.Id));
        Assert.Equal([2, 1], versions.Select(v => v.Version));

        var diff = RunbookService.Diff(versions[1].Markdown, versions[0].Markdown);
        Assert.Contains(new DiffLine("removed", "Free space."), diff);
        Assert.Contains(new DiffLine("added", "Free space on /var."), diff);
        Assert.Contains(new DiffLine("added", "Page storage."), diff);
        Assert.Contains(new DiffLine("same", "# Disk full"), diff);
    }

    [Fact]
    public async Task Runbook_titles_are_unique_and_markdown_is_required()
    {
        var duplicate = await Assert.ThrowsAsync<InputValidationException>(() =>
            host.WithAsync<RunbookService, Runbook>(s => s.SaveAsync(null, "High latency", "# x", "")));
        Assert.Equal(["title"], duplicate.Errors.Keys);
        var empty = await Assert.ThrowsAsync<InputValidationException>(() =>
            host.WithAsync<RunbookService, Runbook>(s => s.SaveAsync(null, "  ", "  ", "")));
        Assert.Equal(["markdown", "title"], empty.Errors.Keys.Order());
    }

    [Fact]
    public async Task Channel_secret_is_encrypted_with_keys_kept_in_the_database()
    {
        var channel = await host.ChannelAsync("slack-secret", ChannelType.Slack, new ChannelSettings(), secret: "https://hooks.example.invalid/T1/B2/very-secret");
        Assert.DoesNotContain("very-secret", channel.ProtectedSecret);
        Assert.True(await host.DbAsync(db => db.DataProtectionKeys.AnyAsync()));
        var protector = host.Factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(NotificationSender.ProtectorPurpose);
        Assert.Equal("https://hooks.example.invalid/T1/B2/very-secret", protector.Unprotect(channel.ProtectedSecret!));

        // Editing without a new secret keeps the stored one; the form never carries it back.
        var form = (await host.WithAsync<ChannelService, ChannelForm?>(s => s.GetFormAsync(channel.Id)))!;
        Assert.Null(form.Secret);
        Assert.True(form.HasSecret);
        form.Name = "slack-renamed";
        var saved = await host.WithAsync<ChannelService, NotificationChannel>(s => s.SaveAsync(form));
        Assert.Equal(channel.ProtectedSecret, saved.ProtectedSecret);
        var audit = await host.DbAsync(db => db.AuditEntries.Where(a => a.EntityType == ChannelService.EntityType).Select(a => (a.Before ?? "") + (a.After ?? "")).ToListAsync());
        Assert.All(audit, text => Assert.DoesNotContain("very-secret", text));
    }

    [Fact]
    public async Task Channel_validation_names_the_field()
    {
        var errors = await host.WithAsync<ChannelService, ValidationProblems>(s => s.ValidateAsync(new ChannelForm
        {
            Name = "", Type = ChannelType.Email, Settings = new ChannelSettings { SmtpPort = 0, From = "nobody", To = "a@b.c, not-an-address" },
        }));
        Assert.Equal(["from", "name", "smtpHost", "smtpPort", "to"], errors.Paths.Order());
        var slack = await host.WithAsync<ChannelService, ValidationProblems>(s => s.ValidateAsync(new ChannelForm { Name = "s", Type = ChannelType.Slack }));
        Assert.Equal("Paste the Slack incoming-webhook URL.", slack.Message("secret"));
    }
}
