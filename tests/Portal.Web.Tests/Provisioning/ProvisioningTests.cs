using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Features.Alerts;
using Portal.Web.Features.Provisioning;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.Provisioning;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Provisioning;

/// <summary>
/// A portal provisioned from a temporary folder that starts with docs/examples/provisioning.yaml, the documented
/// example with every kind of document.
/// </summary>
public sealed class ProvisionedPortal : IDisposable
{
    public const string File = "provisioning.yaml";
    public const string OpsToken = "ops-token-from-the-environment";

    static ProvisionedPortal()
    {
        // The example's placeholders (the same values for every test, so tests running at once agree).
        Environment.SetEnvironmentVariable("OPS_WEBHOOK_TOKEN", OpsToken);
        Environment.SetEnvironmentVariable("SMTP_PASSWORD", "smtp-password-from-the-environment");
    }

    /// <param name="text">The folder's file at start-up (default: the example).</param>
    /// <param name="watched">Whether the watcher reapplies the folder 100 ms after a change. Off, it waits an hour: a
    /// test that applies by hand must not race it (under load the watcher applied first and the test saw "unchanged").</param>
    public ProvisionedPortal(string? text = null, bool watched = false)
    {
        System.IO.File.WriteAllText(PathOf(File), text ?? ExampleText);
        Factory = new PortalFactory
        {
            Settings =
            {
                ["Portal:Provisioning:Path"] = Folder,
                ["Portal:Provisioning:DebounceMs"] = watched ? "100" : "3600000",
            },
        };
        _ = Factory.Server; // starts the host, which applies the folder before it serves
    }

    public static string ExampleText { get; } = System.IO.File.ReadAllText(RepositoryFiles.PathOf("docs", "examples", "provisioning.yaml"));

    public string Folder { get; } = Directory.CreateTempSubdirectory("portal-provisioning-").FullName;

    public PortalFactory Factory { get; }

    public string PathOf(string file) => Path.Combine(Folder, file);

    public ProvisioningStatus Status => Factory.Services.GetRequiredService<ProvisioningService>().Status();

    public Task<ProvisioningStatus> ApplyAsync() => Factory.Services.GetRequiredService<ProvisioningService>().ApplyAllAsync();

    public async Task<T> DbAsync<T>(Func<PortalDbContext, Task<T>> work)
    {
        await using var db = await Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await work(db);
    }

    public Task<string> ExportAsync() => Factory.WithServiceAsync<ProvisioningExporter, string>(e => e.ExportAsync());

    public void Dispose()
    {
        Factory.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}

public sealed class ProvisioningTests
{
    [Fact]
    public async Task Every_kind_of_the_example_file_is_applied_at_start_up()
    {
        using var portal = new ProvisionedPortal();

        var file = Assert.Single(portal.Status.Files);
        Assert.True(file.Errors.Count == 0, string.Join("; ", file.Errors));
        Assert.Equal(("applied", 9, 0), (file.Outcome, file.Created, file.Updated));
        var model = await portal.DbAsync(db => db.Models.Include(m => m.Features).SingleAsync(m => m.Name == "churn"));
        Assert.Equal(ModelTaskType.Binary, model.TaskType);
        Assert.Equal(["tenure_months", "monthly_charges", "contract"], model.Features.OrderBy(f => f.Ordinal).Select(f => f.Name));
        Assert.True(await portal.DbAsync(db => db.Runbooks.AnyAsync(r => r.Title == "Churn model errors")));
        Assert.Equal(0.3, await portal.DbAsync(db => db.DriftSettings.Where(s => s.ModelId == model.Id).Select(s => s.DriftShare).SingleAsync()));
        var slo = await portal.DbAsync(db => db.SloDefinitions.SingleAsync(s => s.Name == "p95 latency"));
        Assert.Equal(250, slo.LatencyBoundMs);

        var webhook = await portal.DbAsync(db => db.NotificationChannels.SingleAsync(c => c.Name == "ops-webhook"));
        Assert.Equal(("Critical", "Info", $"[{webhook.Id}]"), (slo.PageSeverity, slo.TicketSeverity, slo.ChannelIdsJson));
        var sloRules = await portal.DbAsync(db => db.AlertRules.Where(r => r.SloId == slo.Id).OrderBy(r => r.SloAlert).ToListAsync());
        Assert.Equal([("Page", "Critical"), ("Ticket", "Info")], sloRules.Select(r => (r.SloAlert!, r.Severity)));
        Assert.All(sloRules, r => Assert.Equal($"[{webhook.Id}]", r.ChannelIdsJson));
        var protector = portal.Factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(NotificationSender.ProtectorPurpose);
        Assert.Equal(ProvisionedPortal.OpsToken, protector.Unprotect(webhook.ProtectedSecret!));
        var routing = ChannelSettings.FromJson(webhook.SettingsJson);
        Assert.Equal(["severity=\"critical\""], routing.Matchers);
        Assert.Equal(["alertname"], routing.GroupBy);
        Assert.Equal(("10s", "2m", "1h"), (routing.GroupWait, routing.GroupInterval, routing.RepeatInterval));

        var rules = await portal.DbAsync(db => db.AlertRules.Where(r => r.SloId == null).OrderBy(r => r.Severity).ToListAsync());
        Assert.Equal(["Critical", "Warning"], rules.Select(r => r.Severity));
        var mail = await portal.DbAsync(db => db.NotificationChannels.SingleAsync(c => c.Name == "ml-team-mail"));
        Assert.Equal($"[{webhook.Id},{mail.Id}]", rules[0].ChannelIdsJson);
        Assert.Equal(model.Id, rules[0].ModelId);
        Assert.NotNull(rules[0].RunbookId);
        Assert.Equal("{\"team\":\"ml-platform\"}", rules[0].LabelsJson);
        Assert.Equal(["Resolve", "KeepState"], rules.Select(r => r.NoData));

        var silence = await portal.DbAsync(db => db.AlertSilences.SingleAsync());
        Assert.Contains("severity", silence.MatchersJson);
        Assert.Equal(9, await portal.DbAsync(db => db.ProvisionedObjects.CountAsync(p => p.File == ProvisionedPortal.File)));

        // Through the services, so audited like a change on a page.
        var audited = await portal.DbAsync(db => db.AuditEntries.Where(a => a.Action == "create").Select(a => new { a.EntityType, a.Actor }).ToListAsync());
        Assert.Contains(audited, a => a.EntityType == AlertRuleService.EntityType && a.Actor == "system");
        Assert.Contains(audited, a => a.EntityType == ChannelService.EntityType);
    }

    [Fact]
    public async Task Reapplying_an_unchanged_folder_writes_nothing()
    {
        using var portal = new ProvisionedPortal();
        var audit = await portal.DbAsync(db => db.AuditEntries.CountAsync());
        var marks = await portal.DbAsync(db => db.ProvisionedObjects.AsNoTracking().OrderBy(p => p.Id).Select(p => p.AppliedAt).ToListAsync());
        var updated = await portal.DbAsync(db => db.AlertRules.Where(r => r.SloId == null).Select(r => r.UpdatedAt).ToListAsync());

        var status = await portal.ApplyAsync();

        var file = Assert.Single(status.Files);
        Assert.Equal(("unchanged", 0, 0, 9), (file.Outcome, file.Created, file.Updated, file.Unchanged));
        Assert.Equal(audit, await portal.DbAsync(db => db.AuditEntries.CountAsync()));
        Assert.Equal(marks, await portal.DbAsync(db => db.ProvisionedObjects.AsNoTracking().OrderBy(p => p.Id).Select(p => p.AppliedAt).ToListAsync()));
        Assert.Equal(updated, await portal.DbAsync(db => db.AlertRules.Where(r => r.SloId == null).Select(r => r.UpdatedAt).ToListAsync()));
        Assert.Equal(1, await portal.DbAsync(db => db.AlertSilences.CountAsync()));
    }

    [Fact]
    public async Task A_broken_file_is_refused_naming_line_and_field_and_the_previous_state_is_kept()
    {
        using var portal = new ProvisionedPortal();
        var audit = await portal.DbAsync(db => db.AuditEntries.CountAsync());

        // A valid change (the webhook's URL) next to an error rate threshold of 7 (it is a fraction) and an unknown field.
        var broken = ProvisionedPortal.ExampleText
            .Replace("url: https://alerts.example.com/portal", "url: https://changed.example.com/portal")
            .Replace("threshold: 0.05", "threshold: 7")
            .Replace("windowDays: 30", "windowDays: 30\n  latencyBound: 250");
        await File.WriteAllTextAsync(portal.PathOf(ProvisionedPortal.File), broken);
        var status = await portal.ApplyAsync();

        var file = Assert.Single(status.Files);
        Assert.Equal("refused", file.Outcome);
        var lines = broken.Split('\n');
        var threshold = Assert.Single(file.Errors, e => e.Field == "[6].threshold");
        Assert.Equal(Array.FindIndex(lines, l => l.Contains("threshold: 7")) + 1, threshold.Line);
        Assert.Contains("fraction", threshold.Message);
        var unknown = Assert.Single(file.Errors, e => e.Field == "[5].latencyBound");
        Assert.Equal(Array.FindIndex(lines, l => l.Contains("latencyBound: 250")) + 1, unknown.Line);
        Assert.Equal(ProvisionedPortal.File, threshold.File);
        Assert.Contains(portal.Factory.Logs.Lines, m => m.Contains($"{ProvisionedPortal.File}:{threshold.Line}: [6].threshold"));

        // Nothing of the file was applied, not even its valid change.
        Assert.Equal("https://alerts.example.com/portal", await portal.DbAsync(db => db.NotificationChannels.Where(c => c.Name == "ops-webhook")
            .Select(c => ChannelSettings.FromJson(c.SettingsJson).Url).SingleAsync()));
        Assert.Equal(0.05, await portal.DbAsync(db => db.AlertRules.Where(r => r.SloId == null).Where(r => r.Severity == "Critical").Select(r => r.Threshold).SingleAsync()));
        Assert.Equal(audit, await portal.DbAsync(db => db.AuditEntries.CountAsync()));
        Assert.Equal(9, await portal.DbAsync(db => db.ProvisionedObjects.CountAsync()));

        using var admin = portal.Factory.CreateApiClient();
        var reported = await admin.GetFromJsonAsync<JsonElement>("/api/v1/provisioning/status");
        Assert.Contains(reported.GetProperty("files")[0].GetProperty("errors").EnumerateArray(),
            e => e.GetProperty("field").GetString() == "[6].threshold" && e.GetProperty("line").GetInt32() == threshold.Line);
    }

    [Theory]
    [InlineData("ticketSeverity: info", "ticketSeverity: loud", "[5].ticketSeverity", "has the wrong type or an unknown value.")]
    [InlineData("channels: [ops-webhook]", "channels: [ops-webhook, pager]", "[5].channels[1]", "there is no channel 'pager' (neither in the portal nor in this file).")]
    [InlineData("channels: [ops-webhook]", "channels: ops-webhook", "[5].channels", "must be a list of channel names.")]
    public async Task An_slos_alert_settings_are_checked_like_the_apis(string line, string wrong, string field, string message)
    {
        using var portal = new ProvisionedPortal();
        var broken = ProvisionedPortal.ExampleText.Replace(line, wrong);
        await File.WriteAllTextAsync(portal.PathOf(ProvisionedPortal.File), broken);

        var file = Assert.Single((await portal.ApplyAsync()).Files);

        var error = Assert.Single(file.Errors);
        Assert.Equal((field, message), (error.Field, error.Message));
        Assert.Equal(Array.FindIndex(broken.Split('\n'), l => l.Contains(wrong)) + 1, error.Line);
        Assert.Equal("Info", await portal.DbAsync(db => db.SloDefinitions.Select(s => s.TicketSeverity).SingleAsync()));
    }

    [Fact]
    public async Task A_changed_slo_severity_in_the_file_changes_its_alert_rule()
    {
        using var portal = new ProvisionedPortal();
        await File.WriteAllTextAsync(portal.PathOf(ProvisionedPortal.File), ProvisionedPortal.ExampleText
            .Replace("pageSeverity: critical", "pageSeverity: warning").Replace("channels: [ops-webhook]", "channels: []"));

        var file = Assert.Single((await portal.ApplyAsync()).Files);

        Assert.Equal(("applied", 1), (file.Outcome, file.Updated));
        var rule = await portal.DbAsync(db => db.AlertRules.SingleAsync(r => r.SloId != null && r.SloAlert == "Page"));
        Assert.Equal(("Warning", "[]"), (rule.Severity, rule.ChannelIdsJson));
    }

    [Fact]
    public async Task Invalid_yaml_is_refused_at_its_line()
    {
        using var portal = new ProvisionedPortal();
        await File.WriteAllTextAsync(portal.PathOf("broken.yaml"), "- kind: Runbook\n  name: x\n  markdown: [unclosed\n");
        var status = await portal.ApplyAsync();

        var error = Assert.Single(Assert.Single(status.Files, f => f.File == "broken.yaml").Errors);
        Assert.Equal(("broken.yaml", "$"), (error.File, error.Field));
        Assert.InRange(error.Line, 3, 4);
        Assert.Equal("unchanged", Assert.Single(status.Files, f => f.File == ProvisionedPortal.File).Outcome);
    }

    [Fact]
    public async Task A_write_to_a_provisioned_object_gets_409_naming_the_file()
    {
        using var portal = new ProvisionedPortal();
        using var admin = portal.Factory.CreateApiClient();

        var model = await admin.PutAsJsonAsync("/api/v1/models/churn", new { description = "changed by hand" });
        await AssertConflictAsync(model, "Model");

        var slo = await portal.DbAsync(db => db.SloDefinitions.SingleAsync());
        var sloPut = await admin.PutAsJsonAsync($"/api/v1/models/churn/slos/{slo.Id}", new { name = "p95 latency", kind = "latency", targetPercent = 95, latencyBoundMs = 300 });
        await AssertConflictAsync(sloPut, "Slo");
        await AssertConflictAsync(await admin.DeleteAsync($"/api/v1/models/churn/slos/{slo.Id}"), "Slo");
        await AssertConflictAsync(await admin.PutAsJsonAsync("/api/v1/models/churn/drift/settings", new { cron = "0 * * * *" }), "DriftSettings");

        // The services refuse too (the pages call them).
        var rule = await portal.DbAsync(db => db.AlertRules.Where(r => r.SloId == null).FirstAsync());
        var refused = await Assert.ThrowsAsync<ProvisionedObjectException>(() => portal.Factory.WithServiceAsync<AlertRuleService, bool>(s => s.DeleteAsync(rule.Id)));
        Assert.Equal(ProvisionedPortal.File, refused.File);
        var channel = await portal.DbAsync(db => db.NotificationChannels.FirstAsync());
        await Assert.ThrowsAsync<ProvisionedObjectException>(() => portal.Factory.WithServiceAsync<ChannelService, bool>(s => s.DeleteAsync(channel.Id)));

        Assert.Equal("Predicts which customers cancel in the next 30 days.", await portal.DbAsync(db => db.Models.Where(m => m.Name == "churn").Select(m => m.Description).SingleAsync()));
        Assert.Equal(250, await portal.DbAsync(db => db.SloDefinitions.Select(s => s.LatencyBoundMs).SingleAsync()));
        Assert.True(await portal.DbAsync(db => db.AlertRules.Where(r => r.SloId == null).AnyAsync(r => r.Id == rule.Id)));

        // Objects made by hand stay writable.
        using var _ = await admin.PutAsJsonAsync("/api/v1/models/other", new { taskType = "binary" });
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/v1/models/other", new { description = "by hand" })).StatusCode);
    }

    private static async Task AssertConflictAsync(HttpResponseMessage response, string kind)
    {
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ProvisionedPortal.File, problem.GetProperty("file").GetString());
        Assert.Equal(kind, problem.GetProperty("kind").GetString());
        Assert.Contains(ProvisionedPortal.File, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_changed_file_is_reapplied_and_what_it_no_longer_lists_goes()
    {
        using var portal = new ProvisionedPortal(watched: true);
        var warningRule = await portal.DbAsync(db => db.AlertRules.Where(r => r.SloId == null).SingleAsync(r => r.Severity == "Warning"));
        var changed = ProvisionedPortal.ExampleText.Replace("threshold: 0.05", "threshold: 0.04");
        changed = changed[..changed.IndexOf("- kind: AlertRule\n  name: ChurnHighErrorRate\n  model: churn", StringComparison.Ordinal)]
            + changed[changed.IndexOf("- kind: Silence", StringComparison.Ordinal)..];

        // Written by the watcher, not by the test: the file changes and the portal notices.
        await File.WriteAllTextAsync(portal.PathOf(ProvisionedPortal.File), changed);
        var file = await Eventually.PollAsync(() => Assert.Single(portal.Status.Files), f => f.Removed == 1);

        Assert.Equal(("applied", 1, 1), (file.Outcome, file.Updated, file.Removed));
        Assert.Equal([0.04], await portal.DbAsync(db => db.AlertRules.Where(r => r.SloId == null).Select(r => r.Threshold).ToListAsync()));
        Assert.False(await portal.DbAsync(db => db.ProvisionedObjects.AnyAsync(p => p.EntityKey == warningRule.Id.ToString() && p.Kind == ProvisionedKinds.AlertRule)));
    }

    [Fact]
    public async Task Export_then_provision_into_an_empty_portal_gives_the_same_configuration()
    {
        string exported;
        using (var source = new ProvisionedPortal())
        {
            // Something configured by hand next to the provisioned objects: exported all the same.
            await source.Factory.WithServiceAsync<ChannelService, object>(async s => await s.SaveAsync(new ChannelForm
            {
                Name = "hand made", Type = Portal.Data.Entities.Alerting.ChannelType.Slack, Secret = "https://hooks.example.invalid/T1/B2/secret-value",
            }));
            using var admin = source.Factory.CreateApiClient();
            var response = await admin.GetAsync("/api/v1/provisioning/export");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/yaml", response.Content.Headers.ContentType?.MediaType);
            exported = await response.Content.ReadAsStringAsync();
        }

        Assert.DoesNotContain("secret-value", exported);
        Assert.DoesNotContain(ProvisionedPortal.OpsToken, exported);
        Assert.Contains("secret: ${PORTAL_CHANNEL_HAND_MADE_SECRET}", exported);
        Assert.Contains("- kind: Silence", exported);
        Assert.Contains("groupWait: 10s", exported); // a channel's routing and a rule's no-data policy are exported
        Assert.Contains("- alertname", exported);
        Assert.Contains("- severity=\"critical\"", exported);
        Assert.Contains("noData: keepState", exported);
        Assert.Contains("  pageSeverity: critical\n  ticketSeverity: info\n  channels:\n  - ops-webhook\n", exported); // the example's SLO
        Environment.SetEnvironmentVariable("PORTAL_CHANNEL_OPS_WEBHOOK_SECRET", "ops");
        Environment.SetEnvironmentVariable("PORTAL_CHANNEL_ML_TEAM_MAIL_SECRET", "smtp");
        Environment.SetEnvironmentVariable("PORTAL_CHANNEL_HAND_MADE_SECRET", "https://hooks.example.invalid/T1/B2/secret-value");

        using var target = new ProvisionedPortal(exported);
        Assert.Equal("applied", Assert.Single(target.Status.Files).Outcome);
        Assert.Equal(exported, await target.ExportAsync());
    }

    [Fact]
    public async Task Pages_show_provisioned_objects_as_read_only_and_admins_see_each_files_errors()
    {
        using var portal = new ProvisionedPortal();
        await File.WriteAllTextAsync(portal.PathOf("broken.yaml"), "- kind: Runbook\n  name: Broken\n  markdown: \"\"\n");
        await portal.ApplyAsync();
        using var admin = await portal.Factory.SignInAsync(PortalRoles.Admin);
        var rule = await portal.DbAsync(db => db.AlertRules.Where(r => r.SloId == null).FirstAsync());
        var handMade = await portal.DbAsync(db => db.Runbooks.FirstAsync(r => r.Title == "High latency"));

        var rulePage = await admin.GetStringAsync($"/alerts/rules/{rule.Id}");
        var handMadePage = await admin.GetStringAsync($"/runbooks/{handMade.Id}/edit");
        var status = await admin.GetStringAsync("/admin/provisioning");

        Assert.Contains($"Provisioned from the file <code>{ProvisionedPortal.File}</code>", rulePage);
        Assert.DoesNotContain("Provisioned from the file", handMadePage);
        Assert.Contains("broken.yaml:3: [0].markdown: Write what to do", WebUtility.HtmlDecode(status));
        Assert.Contains(ProvisionedPortal.File, status);

        // Lists mark provisioned rows instead of offering their Expire / Edit / Delete buttons.
        Assert.Contains($"provisioned from {ProvisionedPortal.File}: read-only here", await admin.GetStringAsync("/alerts/silences"));
        Assert.Contains($"provisioned from {ProvisionedPortal.File}: read-only here", await admin.GetStringAsync("/models/churn/slos"));
    }

    [Fact]
    public void Placeholders_are_read_from_the_environment_and_a_missing_one_names_its_line()
    {
        var text = "- kind: Channel\n  name: a\n  type: webhook\n  url: https://x.example\n  secret: ${PORTAL_TEST_UNSET_VARIABLE}\n- kind: Runbook\n  name: b\n  markdown: costs $${X}\n";
        var (documents, errors) = ProvisioningYaml.Read("f.yaml", text, name => name == "SET" ? "value" : null);

        Assert.Empty(documents);
        var error = Assert.Single(errors);
        Assert.Equal(new ProvisioningError("f.yaml", 5, "[0].secret", "the environment variable PORTAL_TEST_UNSET_VARIABLE is not set."), error);

        var (read, none) = ProvisioningYaml.Read("f.yaml", text.Replace("PORTAL_TEST_UNSET_VARIABLE", "SET"), name => name == "SET" ? "value" : null);
        Assert.Empty(none);
        Assert.Equal("value", read[0].Body["secret"]!.GetValue<string>());
        Assert.Equal("costs ${X}", read[1].Body["markdown"]!.GetValue<string>());
    }
}
