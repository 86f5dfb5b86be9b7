using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Alerting;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Features.Alerts;
using Portal.Web.Features.Drift.Monitoring;
using Portal.Web.Infrastructure.Provisioning;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.EventEmitters;

namespace Portal.Web.Features.Provisioning;

/// <summary>
/// Writes the whole configuration (models, runbooks, channels, drift settings, SLOs, alert rules, active and pending
/// silences) as one provisioning file, so a portal configured by hand can be moved into a repository. Secrets are
/// written as <c>${PORTAL_CHANNEL_…_SECRET}</c> placeholders, never their values. Applying the export to an empty portal
/// (with the placeholders set) and exporting again gives the same file.
/// </summary>
public sealed class ProvisioningExporter(IDbContextFactory<PortalDbContext> contexts, TimeProvider time)
{
    public const string Header = "# Portal configuration (docs/provisioning.md). Secrets are ${…} placeholders: set those environment variables\n"
        + "# where the portal runs before it applies this file.\n";

    public async Task<string> ExportAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var documents = new List<Dictionary<string, object?>>();
        var models = await db.Models.AsNoTracking().Include(m => m.Features).AsSplitQuery().OrderBy(m => m.Name).ToListAsync(cancellationToken);
        var modelNames = models.ToDictionary(m => m.Id, m => m.Name);
        documents.AddRange(models.Select(Model));

        var runbooks = await db.Runbooks.AsNoTracking().OrderBy(r => r.Title).ToListAsync(cancellationToken);
        documents.AddRange(runbooks.Select(r => Document(ProvisionedKinds.Runbook, ("name", r.Title), ("tags", Runbooks.RunbookService.SplitTags(r.Tags)), ("markdown", r.Markdown))));

        var channels = await db.NotificationChannels.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
        documents.AddRange(channels.Select(c =>
        {
            var s = ChannelSettings.FromJson(c.SettingsJson);
            var email = c.Type == Data.Entities.Alerting.ChannelType.Email;
            return Document(ProvisionedKinds.Channel, ("name", c.Name), ("type", Camel(c.Type)), ("url", s.Url),
                ("smtpHost", email ? s.SmtpHost : null), ("smtpPort", email ? s.SmtpPort : null), ("smtpSecurity", email ? s.SmtpSecurity : null),
                ("smtpUser", email ? s.SmtpUser : null), ("from", email ? s.From : null), ("to", email ? s.To : null),
                ("secret", c.ProtectedSecret is null ? null : new Secret(SecretVariable(c.Name))), ("sendResolved", c.SendResolved), ("enabled", c.Enabled),
                ("matchers", s.Matchers.Count == 0 ? null : s.Matchers), ("groupBy", s.GroupBy), ("groupWait", s.GroupWait), ("groupInterval", s.GroupInterval), ("repeatInterval", s.RepeatInterval));
        }));

        var drift = await db.DriftSettings.AsNoTracking().ToListAsync(cancellationToken);
        documents.AddRange(drift.Where(d => modelNames.ContainsKey(d.ModelId)).OrderBy(d => modelNames[d.ModelId], StringComparer.Ordinal).Select(d =>
        {
            var v = DriftSettingsView.From(d);
            var fixedWindow = v.Window == Data.Entities.Jobs.DriftWindow.Fixed;
            var features = v.Features.Where(f => f.Value.Test is not null || f.Value.Threshold is not null).OrderBy(f => f.Key, StringComparer.Ordinal)
                .ToDictionary(f => f.Key, f => (object)Compact(("test", f.Value.Test), ("threshold", f.Value.Threshold)));
            var severity = v.Severity.Where(s => DriftSeverityRules.DefaultThresholds.GetValueOrDefault(s.Key) != s.Value).OrderBy(s => s.Key, StringComparer.Ordinal)
                .ToDictionary(s => s.Key, s => (object)Compact(("info", s.Value.Info), ("warning", s.Value.Warning), ("critical", s.Value.Critical)));
            return Document(ProvisionedKinds.DriftSettings, ("model", modelNames[d.ModelId]), ("cron", v.Cron), ("enabled", v.Enabled), ("window", Camel(v.Window)),
                ("fixedStart", fixedWindow ? Time(v.FixedStart) : null), ("fixedEnd", fixedWindow ? Time(v.FixedEnd) : null), ("driftShare", v.DriftShare),
                ("minSampleSize", v.MinSampleSize), ("benjaminiHochberg", v.BenjaminiHochberg), ("features", features.Count == 0 ? null : features),
                ("severity", severity.Count == 0 ? null : severity));
        }));

        var channelNames = channels.ToDictionary(c => c.Id, c => c.Name);
        List<string> ChannelNames(IEnumerable<int> ids) => ids.Where(channelNames.ContainsKey).Select(id => channelNames[id]).Order(StringComparer.Ordinal).ToList();

        var sloDefinitions = await db.SloDefinitions.AsNoTracking().ToListAsync(cancellationToken);
        documents.AddRange(sloDefinitions.OrderBy(s => modelNames[s.ModelId], StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal).Select(s =>
        {
            var input = Slos.SloInput.From(s);
            return Document(ProvisionedKinds.Slo, ("model", modelNames[s.ModelId]), ("name", s.Name), ("type", Camel(s.Kind)), ("targetPercent", s.TargetPercent),
                ("windowDays", s.WindowDays), ("latencyBoundMs", s.LatencyBoundMs), ("minRequestsPerMinute", s.MinRequestsPerMinute), ("enabled", s.Enabled),
                ("pageSeverity", Camel(input.PageSeverity)), ("ticketSeverity", Camel(input.TicketSeverity)), ("channels", ChannelNames(input.ChannelIds ?? [])));
        }));

        var runbookTitles = runbooks.ToDictionary(r => r.Id, r => r.Title);
        var rules = await db.AlertRules.AsNoTracking().Where(r => r.SloId == null).ToListAsync(cancellationToken); // an SLO brings its own page and ticket rules
        documents.AddRange(rules.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Severity, StringComparer.Ordinal).Select(r =>
        {
            var form = AlertRuleForm.From(r, r.ModelId is { } m ? modelNames.GetValueOrDefault(m) : null);
            var labels = form.ParseLabels();
            return Document(ProvisionedKinds.AlertRule, ("name", form.Name), ("description", form.Description), ("model", form.Model), ("metric", Camel(form.Metric)),
                ("feature", form.Feature), ("comparator", Camel(form.Comparator)), ("threshold", form.Threshold), ("window", form.Window), ("for", form.For),
                ("keepFiringFor", form.KeepFiringFor), ("severity", Camel(form.Severity)),
                ("noData", form.NoData == NoDataPolicy.Resolve ? null : Camel(form.NoData)), ("labels", labels.Count == 0 ? null : labels.OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary()),
                ("repeatInterval", form.RepeatInterval), ("runbook", form.RunbookId is { } b ? runbookTitles.GetValueOrDefault(b) : null),
                ("channels", ChannelNames(form.ChannelIds)), ("enabled", form.Enabled));
        }));

        var now = time.GetUtcNow().UtcDateTime;
        var silenceNames = await db.ProvisionedObjects.AsNoTracking().Where(p => p.Kind == ProvisionedKinds.Silence)
            .ToDictionaryAsync(p => p.EntityKey, p => p.Name, cancellationToken);
        var silences = await db.AlertSilences.AsNoTracking().Where(s => s.EndsAt > now).OrderBy(s => s.Id).ToListAsync(cancellationToken);
        documents.AddRange(silences.Select(s => (Name: silenceNames.GetValueOrDefault(s.Id.ToString()) ?? $"silence-{s.Id}", Silence: s))
            .OrderBy(s => s.Name, StringComparer.Ordinal).Select(s =>
            Document(ProvisionedKinds.Silence, ("name", s.Name), ("matchers", SilenceService.ToAnalysis(s.Silence).Matchers.Select(SilenceService.Format).ToList()),
                ("startsAt", Time(s.Silence.StartsAt)), ("endsAt", Time(s.Silence.EndsAt)), ("comment", s.Silence.Comment))));

        return Header + Serializer.Serialize(documents);
    }

    /// <summary>The environment variable an exported channel's secret is read from: <c>PORTAL_CHANNEL_OPS_PAGER_SECRET</c>.</summary>
    public static string SecretVariable(string channel) =>
        "PORTAL_CHANNEL_" + new string(channel.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_').ToArray()) + "_SECRET";

    private static Dictionary<string, object?> Model(MlModel m) => Document(ProvisionedKinds.Model, ("name", m.Name), ("taskType", Camel(m.TaskType)),
        ("description", m.Description), ("owner", m.Owner), ("lowConfidenceThreshold", m.LowConfidenceThreshold),
        ("features", m.Features.Count == 0 ? null : m.Features.OrderBy(f => f.Ordinal).Select(f => Compact(("name", f.Name), ("type", Camel(f.Type)),
            ("min", f.Min), ("max", f.Max), ("categories", f.Type == FeatureType.Categorical && f.Categories.Count > 0 ? f.Categories : null), ("importance", f.Importance))).ToList()));

    private static Dictionary<string, object?> Document(string kind, params (string Field, object? Value)[] fields) =>
        Compact([("kind", kind), .. fields]);

    /// <summary>The fields that have a value, in order; text is escaped so that <c>${</c> is not read as a placeholder.</summary>
    private static Dictionary<string, object?> Compact(params (string Field, object? Value)[] fields) =>
        fields.Where(f => f.Value is not null).ToDictionary(f => f.Field, f => f.Value switch
        {
            string text => text.Replace("${", "$${", StringComparison.Ordinal),
            Secret secret => "${" + secret.Variable + "}",
            _ => f.Value,
        });

    private static string Camel<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    private static string? Time(DateTime? at) => at?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed record Secret(string Variable);

    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithQuotingNecessaryStrings()
        .WithEventEmitter(next => new MultilineLiteralEmitter(next))
        .Build();

    /// <summary>Multi-line text (runbooks) as a literal block, as a person would write it.</summary>
    private sealed class MultilineLiteralEmitter(IEventEmitter next) : ChainedEventEmitter(next)
    {
        public override void Emit(ScalarEventInfo eventInfo, IEmitter emitter)
        {
            if (eventInfo.Source.Value is string text && text.Contains('\n'))
            {
                eventInfo.Style = ScalarStyle.Literal;
            }

            base.Emit(eventInfo, emitter);
        }
    }
}
