using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Common;
using Portal.Data;
using Portal.Data.Entities.Alerting;
using Portal.Web.Infrastructure.Audit;
using Portal.Web.Infrastructure.Provisioning;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Alerts;

/// <summary>A channel as the form edits it. <see cref="Secret"/> is write-only: empty on edit keeps the stored one.</summary>
public sealed class ChannelForm
{
    public int? Id { get; set; }

    public string Name { get; set; } = "";

    public ChannelType Type { get; set; } = ChannelType.Webhook;

    public ChannelSettings Settings { get; set; } = new();

    public string? Secret { get; set; }

    public bool SendResolved { get; set; } = true;

    public bool Enabled { get; set; } = true;

    public bool HasSecret { get; set; }

    /// <summary>The routing matchers one a line, as the page edits them.</summary>
    public string MatchersText
    {
        get => string.Join('\n', Settings.Matchers);
        set => Settings.Matchers = [.. (value ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    /// <summary>The group-by labels separated by commas, as the page edits them; empty: the default.</summary>
    public string GroupByText
    {
        get => Settings.GroupBy is null ? "" : string.Join(", ", Settings.GroupBy);
        set => Settings.GroupBy = (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } names ? [.. names] : null;
    }
}

public sealed record ChannelRow(int Id, string Name, ChannelType Type, string Target, string Routing, bool HasSecret, bool Enabled, bool SendResolved, AttemptRow? LastAttempt);

public sealed record AttemptRow(long NotificationId, int Attempt, DateTime At, double DurationMs, bool Success, string? Status, string? Error, string Channel, string GroupKey);

/// <summary>Notification channels: settings in the clear, the secret encrypted with Data Protection, every change audited.</summary>
public sealed class ChannelService(IDbContextFactory<PortalDbContext> contexts, IDataProtectionProvider protection, IAuditLog audit, NotificationSender sender, TimeProvider time, ProvisioningGuard provisioning)
{
    public const string EntityType = "NotificationChannel";

    public async Task<IReadOnlyList<ChannelRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var channels = await db.NotificationChannels.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
        var last = await RecentAttemptsAsync(null, null, 500, cancellationToken);
        return channels.Select(c => new ChannelRow(c.Id, c.Name, c.Type, Target(c), Routing(ChannelSettings.FromJson(c.SettingsJson)), c.ProtectedSecret is not null, c.Enabled, c.SendResolved,
            last.FirstOrDefault(a => a.Channel == c.Name))).ToList();
    }

    /// <summary>Where it sends, without secrets.</summary>
    public static string Target(NotificationChannel c)
    {
        var s = ChannelSettings.FromJson(c.SettingsJson);
        return c.Type switch
        {
            ChannelType.Webhook => s.Url ?? "",
            ChannelType.Slack or ChannelType.Teams => $"{c.Type} incoming webhook (URL stored encrypted)",
            ChannelType.PagerDuty => $"{(string.IsNullOrWhiteSpace(s.Url) ? ChannelSettings.PagerDutyEventsUrl : s.Url)} (routing key stored encrypted)",
            ChannelType.Log => "this portal (each notification is stored and logged)",
            _ => $"{s.To} via {s.SmtpHost}:{s.SmtpPort}",
        };
    }

    /// <summary>The channel's routing in one line: which alerts, grouped by what, the timers it sets itself.</summary>
    public static string Routing(ChannelSettings s)
    {
        var parts = new List<string> { s.Matchers.Count == 0 ? "all alerts" : string.Join(", ", s.Matchers), "by " + string.Join(", ", s.GroupByOrDefault()) };
        foreach (var (text, name) in new[] { (s.GroupWait, "wait"), (s.GroupInterval, "interval"), (s.RepeatInterval, "repeat") })
        {
            if (text is not null)
            {
                parts.Add($"{name} {text}");
            }
        }

        return string.Join(" · ", parts);
    }

    public async Task<ChannelForm?> GetFormAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var c = await db.NotificationChannels.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, cancellationToken);
        return c is null ? null : Form(c);
    }

    /// <summary>Every channel as its form (the secret never leaves: only whether one is stored), by name.</summary>
    public async Task<IReadOnlyList<ChannelForm>> ListFormsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (await db.NotificationChannels.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken)).Select(Form).ToList();
    }

    private static ChannelForm Form(NotificationChannel c) => new()
    {
        Id = c.Id, Name = c.Name, Type = c.Type, Settings = ChannelSettings.FromJson(c.SettingsJson), SendResolved = c.SendResolved,
        Enabled = c.Enabled, HasSecret = c.ProtectedSecret is not null,
    };

    public async Task<ValidationProblems> ValidateAsync(ChannelForm form, CancellationToken cancellationToken = default)
    {
        var errors = new ValidationProblems();
        var name = form.Name.Trim();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (name.Length is 0 or > NotificationChannel.NameMaxLength)
        {
            errors.Add("name", $"Give the channel a name of at most {NotificationChannel.NameMaxLength} characters.");
        }
        else if (await db.NotificationChannels.AnyAsync(c => c.Name == name && c.Id != (form.Id ?? 0), cancellationToken))
        {
            errors.Add("name", $"A channel named \"{name}\" exists already.");
        }

        var secretMissing = string.IsNullOrWhiteSpace(form.Secret) && !form.HasSecret;
        var s = form.Settings;
        for (var i = 0; i < s.Matchers.Count; i++)
        {
            try
            {
                SilenceService.Parse(s.Matchers[i], $"matchers[{i}]").MatchesValue(""); // compiles a regex
            }
            catch (AnalysisInputException e)
            {
                errors.Add(e);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                errors.Add($"matchers[{i}]", $"\"{s.Matchers[i]}\" has no valid regular expression (RE2 syntax, no backreferences or lookarounds).");
            }
        }

        if (s.GroupBy is { } groupBy)
        {
            if (groupBy.Count == 0)
            {
                errors.Add("groupBy", "Name at least one label (e.g. alertname, model, severity); leave groupBy out for the default, by model and severity.");
            }

            for (var i = 0; i < groupBy.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(groupBy[i]) || !AlertRuleForm.LabelName().IsMatch(groupBy[i]))
                {
                    errors.Add($"groupBy[{i}]", $"\"{groupBy[i]}\" is not a label name (letters, digits and _, not starting with a digit; e.g. alertname, model, severity or a rule's own label).");
                }
                else if (groupBy.IndexOf(groupBy[i]) < i)
                {
                    errors.Add($"groupBy[{i}]", $"\"{groupBy[i]}\" is named twice.");
                }
            }
        }

        foreach (var (text, field, min) in new[] { (s.GroupWait, "groupWait", TimeSpan.Zero), (s.GroupInterval, "groupInterval", TimeSpan.FromSeconds(1)), (s.RepeatInterval, "repeatInterval", TimeSpan.FromMinutes(1)) })
        {
            if (text is not null && (!Durations.TryParse(text, out var span) || span < min || span > TimeSpan.FromDays(30)))
            {
                errors.Add(field, $"\"{text}\" is not a duration between {Durations.Format(min)} and 30d (write e.g. 30s, 5m, 4h); leave it out for the default.");
            }
        }

        switch (form.Type)
        {
            case ChannelType.Webhook:
                Url(s.Url, "url", required: true);
                break;
            case ChannelType.Slack:
            case ChannelType.Teams:
                if (secretMissing)
                {
                    errors.Add("secret", form.Type == ChannelType.Slack ? "Paste the Slack incoming-webhook URL." : "Paste the Teams webhook URL (Workflows or incoming webhook).");
                }
                else if (!string.IsNullOrWhiteSpace(form.Secret))
                {
                    Url(form.Secret, "secret", required: true);
                }

                break;
            case ChannelType.PagerDuty:
                Url(s.Url, "url", required: false);
                if (secretMissing)
                {
                    errors.Add("secret", "Paste the PagerDuty integration (routing) key.");
                }

                break;
            case ChannelType.Email:
                if (string.IsNullOrWhiteSpace(s.SmtpHost))
                {
                    errors.Add("smtpHost", "Name the SMTP server.");
                }

                if (s.SmtpPort is < 1 or > 65535)
                {
                    errors.Add("smtpPort", "A port is between 1 and 65535.");
                }

                if (!Address(s.From))
                {
                    errors.Add("from", "Give the sender's e-mail address.");
                }

                var to = (s.To ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (to.Length == 0 || !to.All(a => Address(a)))
                {
                    errors.Add("to", "Give one or more recipient addresses, separated by commas.");
                }

                break;
            case ChannelType.Log:
                break;
            default:
                errors.Add("type", "Choose webhook, Slack, Teams, PagerDuty, e-mail or log.");
                break;
        }

        return errors;

        void Url(string? text, string field, bool required)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                if (required)
                {
                    errors.Add(field, "Give the URL (http or https).");
                }

                return;
            }

            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                errors.Add(field, $"\"{(field == "secret" ? "the URL" : text)}\" is not an http(s) URL.");
            }
        }

        static bool Address(string? text) => MimeKit.MailboxAddress.TryParse(text?.Trim() ?? "", out var address) && address.Address.Contains('@');
    }

    public async Task<NotificationChannel> SaveAsync(ChannelForm form, CancellationToken cancellationToken = default)
    {
        (await ValidateAsync(form, cancellationToken)).ThrowIfAny();

        if (form.Id is { } editing)
        {
            await provisioning.EnsureWritableAsync(ProvisionedKinds.Channel, editing.ToString(), cancellationToken);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var channel = form.Id is { } id ? await db.NotificationChannels.FirstAsync(c => c.Id == id, cancellationToken) : new NotificationChannel { Name = "", CreatedAt = now };
        var before = channel.Id == 0 ? null : Snapshot(channel);
        if (channel.Id != 0 && !ChannelSettings.FromJson(channel.SettingsJson).GroupByOrDefault().SequenceEqual(form.Settings.GroupByOrDefault()))
        {
            // A new grouping starts with new groups, as at an Alertmanager reload; the old ones must not report "all resolved".
            await db.NotificationGroups.Where(g => g.ChannelId == channel.Id).ExecuteDeleteAsync(cancellationToken);
        }
        channel.Name = form.Name.Trim();
        channel.Type = form.Type;
        channel.SettingsJson = form.Settings.ToJson();
        channel.SendResolved = form.SendResolved;
        channel.Enabled = form.Enabled;
        channel.UpdatedAt = now;
        if (!string.IsNullOrWhiteSpace(form.Secret))
        {
            channel.ProtectedSecret = protection.CreateProtector(NotificationSender.ProtectorPurpose).Protect(form.Secret.Trim());
        }

        if (channel.Id == 0)
        {
            db.NotificationChannels.Add(channel);
        }

        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(db, before is null ? AuditActions.Create : AuditActions.Update, EntityType, channel.Id.ToString(), before, Snapshot(channel), cancellationToken);
        return channel;
    }

    /// <summary>Creates the channel, or changes the one of the same name keeping its id (and its secret when none is given): what provisioning calls.</summary>
    public async Task<NotificationChannel> UpsertByNameAsync(ChannelForm form, CancellationToken cancellationToken = default)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var name = form.Name.Trim();
            var existing = await db.NotificationChannels.AsNoTracking().Where(c => c.Name == name)
                .Select(c => new { c.Id, HasSecret = c.ProtectedSecret != null }).FirstOrDefaultAsync(cancellationToken);
            form.Id = existing?.Id;
            form.HasSecret = existing?.HasSecret ?? false;
        }

        return await SaveAsync(form, cancellationToken);
    }

    public async Task<bool> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        await provisioning.EnsureWritableAsync(ProvisionedKinds.Channel, id.ToString(), cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var channel = await db.NotificationChannels.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (channel is null)
        {
            return false;
        }

        db.NotificationChannels.Remove(channel);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(db, AuditActions.Delete, EntityType, id.ToString(), Snapshot(channel), null, cancellationToken);
        return true;
    }

    /// <summary>Sends a test message now (with retries) and answers its attempts; a failure is in the attempts, not thrown.</summary>
    public async Task<IReadOnlyList<AttemptRow>> SendTestAsync(int channelId, CancellationToken cancellationToken = default)
    {
        var notification = new AlertNotification { ChannelId = channelId, GroupKey = "test", Status = "test", Reason = "send test", CreatedAt = time.GetUtcNow().UtcDateTime };
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            db.AlertNotifications.Add(notification);
            await db.SaveChangesAsync(cancellationToken);
        }

        try
        {
            await sender.SendAsync(notification.Id, cancellationToken);
        }
        catch (NotificationFailedException)
        {
            // The attempts say what went wrong.
        }

        return (await RecentAttemptsAsync(null, notification.Id, 50, cancellationToken)).OrderBy(a => a.Attempt).ToList();
    }

    /// <summary>Latest attempts, newest first: of a channel, of one notification, or of everything.</summary>
    public async Task<IReadOnlyList<AttemptRow>> RecentAttemptsAsync(int? channelId, long? notificationId, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = from a in db.NotificationAttempts.AsNoTracking()
                    join n in db.AlertNotifications.AsNoTracking() on a.NotificationId equals n.Id
                    join c in db.NotificationChannels.AsNoTracking() on a.ChannelId equals c.Id
                    select new { a, n.GroupKey, c.Name };
        if (channelId is { } ch)
        {
            query = query.Where(x => x.a.ChannelId == ch);
        }

        if (notificationId is { } nid)
        {
            query = query.Where(x => x.a.NotificationId == nid);
        }

        var rows = await query.OrderByDescending(x => x.a.Id).Take(take).ToListAsync(cancellationToken);
        return rows.Select(x => new AttemptRow(x.a.NotificationId, x.a.Attempt, x.a.At, x.a.DurationMs, x.a.Success, x.a.Status, x.a.Error, x.Name, x.GroupKey)).ToList();
    }

    private static object Snapshot(NotificationChannel c) => new { c.Name, Type = c.Type.ToString(), c.SettingsJson, c.SendResolved, c.Enabled, Secret = c.ProtectedSecret is null ? "none" : "set (encrypted)" };
}
