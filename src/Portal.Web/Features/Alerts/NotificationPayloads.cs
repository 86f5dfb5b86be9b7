using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MimeKit;

namespace Portal.Web.Features.Alerts;

/// <summary>One alert as a notification reports it.</summary>
public sealed record NotifiedAlert(
    long Id,
    string Status,
    string Rule,
    string Model,
    string Severity,
    string Fingerprint,
    IReadOnlyDictionary<string, string> Labels,
    string Summary,
    string Description,
    double? Value,
    DateTime StartsAt,
    DateTime? EndsAt,
    string AlertUrl,
    string? RunbookTitle,
    string? RunbookUrl,
    string? RootCause);

/// <summary>What one notification says: the group, its status and its alerts.</summary>
public sealed record NotificationContent(
    string Receiver, string GroupKey, string Status, IReadOnlyDictionary<string, string> GroupLabels, IReadOnlyList<NotifiedAlert> Alerts, string ExternalUrl)
{
    public int FiringCount => Alerts.Count(a => a.Status == "firing");

    public string Title => Alerts.Count == 0
        ? $"[TEST] Portal notification test for {Receiver}"
        : $"[{Status.ToUpperInvariant()}{(Status == "firing" ? $":{FiringCount}" : "")}] {string.Join(", ", Alerts.Select(a => a.Rule).Distinct())}"
            + (GroupLabels.TryGetValue("model", out var model) ? $" on {model}" : "") + (GroupLabels.TryGetValue("severity", out var severity) ? $" ({severity})" : "");
}

/// <summary>The wire formats of the channels. Pure functions of <see cref="NotificationContent"/>, so tests assert them directly too.</summary>
public static class NotificationPayloads
{
    /// <summary>Alertmanager's webhook payload, version 4.</summary>
    public static JsonObject AlertmanagerWebhook(NotificationContent content)
    {
        var common = CommonLabels(content.Alerts);
        return new JsonObject
        {
            ["version"] = "4",
            ["groupKey"] = "{}:{" + string.Join(", ", content.GroupLabels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "}",
            ["truncatedAlerts"] = 0,
            ["status"] = content.Status,
            ["receiver"] = content.Receiver,
            ["groupLabels"] = Object(content.GroupLabels),
            ["commonLabels"] = Object(common),
            ["commonAnnotations"] = Object(content.Alerts.Count == 1 ? Annotations(content.Alerts[0]) : new Dictionary<string, string>()),
            ["externalURL"] = content.ExternalUrl,
            ["alerts"] = new JsonArray(content.Alerts.Select(a => (JsonNode)new JsonObject
            {
                ["status"] = a.Status,
                ["labels"] = Object(a.Labels),
                ["annotations"] = Object(Annotations(a)),
                ["startsAt"] = a.StartsAt.ToString("O"),
                ["endsAt"] = (a.EndsAt ?? DateTime.UnixEpoch).ToString("O"),
                ["generatorURL"] = a.AlertUrl,
                ["fingerprint"] = a.Fingerprint,
            }).ToArray()),
        };
    }

    /// <summary>A Slack incoming-webhook message: <c>text</c> (the fallback) and blocks, with the runbook linked.</summary>
    public static JsonObject Slack(NotificationContent content)
    {
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate(content.Title, 150) } },
        };
        foreach (var alert in content.Alerts)
        {
            var text = new StringBuilder();
            text.Append(alert.Status == "firing" ? ":red_circle: *" : ":white_check_mark: *").Append(Escape(alert.Rule)).Append("* on `")
                .Append(Escape(alert.Model)).Append("` (").Append(alert.Severity).Append(")\n").Append(Escape(alert.Summary));
            if (alert.RootCause is { } cause)
            {
                text.Append("\n*Root cause:* ").Append(Escape(cause));
            }

            text.Append("\n<").Append(alert.AlertUrl).Append("|Open alert>");
            if (alert.RunbookUrl is { } runbook)
            {
                text.Append(" · <").Append(runbook).Append("|Runbook: ").Append(Escape(alert.RunbookTitle ?? "runbook")).Append('>');
            }

            blocks.Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Truncate(text.ToString(), 2900) } });
        }

        if (content.Alerts.Count == 0)
        {
            blocks.Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = "This is a test message from the Portal." } });
        }

        var fallback = content.Title + string.Concat(content.Alerts.Select(a => $"\n{a.Rule} on {a.Model}: {a.Summary}" + (a.RunbookUrl is { } r ? $" Runbook: {r}" : "")));
        return new JsonObject { ["text"] = fallback, ["blocks"] = blocks };
    }

    /// <summary>
    /// A Microsoft Teams message with one Adaptive Card (what both a Workflows webhook and a classic incoming webhook
    /// accept): the title, then per alert its facts (alert, severity, model, value, since, root cause) and
    /// Action.OpenUrl links to the alert and its runbook.
    /// </summary>
    public static JsonObject Teams(NotificationContent content)
    {
        var body = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "TextBlock", ["text"] = content.Title, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true,
                ["color"] = content.Alerts.Count > 0 && content.Status == "firing" ? "Attention" : "Good",
            },
        };
        foreach (var alert in content.Alerts)
        {
            var facts = new JsonArray
            {
                Fact("Alert", alert.Rule),
                Fact("Status", alert.Status),
                Fact("Severity", alert.Severity),
                Fact("Model", alert.Model),
                Fact("Value", alert.Value is { } value ? value.ToString("G6", CultureInfo.InvariantCulture) : "–"),
                Fact("Since", alert.StartsAt.ToString("u", CultureInfo.InvariantCulture)),
            };
            if (alert.RootCause is { } cause)
            {
                facts.Add(Fact("Root cause", cause));
            }

            var links = new JsonArray { OpenUrl("Open alert", alert.AlertUrl) };
            if (alert.RunbookUrl is { } runbook)
            {
                links.Add(OpenUrl($"Runbook: {alert.RunbookTitle ?? "runbook"}", runbook));
            }

            body.Add(new JsonObject
            {
                ["type"] = "Container",
                ["separator"] = true,
                ["items"] = new JsonArray
                {
                    new JsonObject { ["type"] = "TextBlock", ["text"] = alert.Summary, ["wrap"] = true },
                    new JsonObject { ["type"] = "FactSet", ["facts"] = facts },
                    new JsonObject { ["type"] = "ActionSet", ["actions"] = links },
                },
            });
        }

        if (content.Alerts.Count == 0)
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = "This is a test message from the Portal.", ["wrap"] = true });
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["msteams"] = new JsonObject { ["width"] = "Full" },
            ["body"] = body,
        };
        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray { new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["contentUrl"] = null, ["content"] = card } },
        };

        static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };

        static JsonObject OpenUrl(string title, string url) => new() { ["type"] = "Action.OpenUrl", ["title"] = title, ["url"] = url };
    }

    /// <summary>A PagerDuty Events API v2 event: trigger (with payload and links) or resolve, keyed by the alert's fingerprint.</summary>
    public static JsonObject PagerDuty(NotifiedAlert alert, string routingKey)
    {
        var resolve = alert.Status != "firing";
        var body = new JsonObject
        {
            ["routing_key"] = routingKey,
            ["event_action"] = resolve ? "resolve" : "trigger",
            ["dedup_key"] = alert.Fingerprint,
        };
        if (resolve)
        {
            return body;
        }

        body["payload"] = new JsonObject
        {
            ["summary"] = Truncate($"{alert.Rule} on {alert.Model}: {alert.Summary}", 1024),
            ["source"] = alert.Model,
            ["severity"] = alert.Severity switch { "critical" => "critical", "warning" => "warning", _ => "info" },
            ["timestamp"] = alert.StartsAt.ToString("O"),
            ["component"] = alert.Model,
            ["group"] = alert.Rule,
            ["class"] = alert.Labels.GetValueOrDefault(AlertEvaluator.MetricLabel),
            ["custom_details"] = new JsonObject
            {
                ["description"] = alert.Description,
                ["labels"] = Object(alert.Labels),
                ["root_cause"] = alert.RootCause,
            },
        };
        var links = new JsonArray { new JsonObject { ["href"] = alert.AlertUrl, ["text"] = "Alert in the Portal" } };
        if (alert.RunbookUrl is { } runbook)
        {
            links.Add(new JsonObject { ["href"] = runbook, ["text"] = $"Runbook: {alert.RunbookTitle}" });
        }

        body["links"] = links;
        return body;
    }

    /// <summary>A PagerDuty test event (a trigger with a test dedup key).</summary>
    public static JsonObject PagerDutyTest(string routingKey, string channel) => new()
    {
        ["routing_key"] = routingKey,
        ["event_action"] = "trigger",
        ["dedup_key"] = $"portal-test-{Guid.NewGuid():N}",
        ["payload"] = new JsonObject { ["summary"] = $"Portal notification test for {channel}", ["source"] = "portal", ["severity"] = "info" },
    };

    /// <summary>A plain-text e-mail: one paragraph per alert with its links.</summary>
    public static MimeMessage Email(NotificationContent content, string from, IEnumerable<string> to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        foreach (var address in to)
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        message.Subject = content.Title;
        var text = new StringBuilder();
        if (content.Alerts.Count == 0)
        {
            text.AppendLine("This is a test message from the Portal: the channel works.");
        }

        foreach (var alert in content.Alerts)
        {
            text.AppendLine($"{alert.Status.ToUpperInvariant()}: {alert.Rule} on {alert.Model} ({alert.Severity})")
                .AppendLine(alert.Summary)
                .AppendLine($"Since: {alert.StartsAt:u}");
            if (alert.RootCause is { } cause)
            {
                text.AppendLine($"Root cause: {cause}");
            }

            text.AppendLine($"Alert: {alert.AlertUrl}");
            if (alert.RunbookUrl is { } runbook)
            {
                text.AppendLine($"Runbook ({alert.RunbookTitle}): {runbook}");
            }

            text.AppendLine();
        }

        message.Body = new TextPart("plain") { Text = text.ToString() };
        return message;
    }

    private static Dictionary<string, string> Annotations(NotifiedAlert a)
    {
        var annotations = new Dictionary<string, string> { ["summary"] = a.Summary, ["description"] = a.Description };
        if (a.RunbookUrl is { } runbook)
        {
            annotations["runbook_url"] = runbook;
        }

        return annotations;
    }

    private static Dictionary<string, string> CommonLabels(IReadOnlyList<NotifiedAlert> alerts)
    {
        if (alerts.Count == 0)
        {
            return [];
        }

        return alerts[0].Labels.Where(kv => alerts.All(a => a.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private static JsonObject Object(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var o = new JsonObject();
        foreach (var (k, v) in pairs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            o[k] = v;
        }

        return o;
    }

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
