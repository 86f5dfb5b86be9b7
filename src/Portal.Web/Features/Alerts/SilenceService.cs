using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Alerting;
using Portal.Analysis.Common;
using Portal.Data;
using Portal.Data.Entities.Alerting;
using Portal.Web.Infrastructure.Audit;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.Provisioning;

namespace Portal.Web.Features.Alerts;

/// <summary>A silence as listed and edited; matchers as Alertmanager writes them (<c>model="churn"</c>, <c>severity=~"warning|info"</c>).</summary>
public sealed record SilenceRow(int Id, IReadOnlyList<LabelMatcher> Matchers, DateTime StartsAt, DateTime EndsAt, string CreatedBy, string? Comment, string Status)
{
    public string MatchersText => string.Join(", ", Matchers.Select(SilenceService.Format));
}

/// <summary>Creates, lists and expires silences; every change is audited.</summary>
public sealed class SilenceService(IDbContextFactory<PortalDbContext> contexts, IAuditLog audit, CurrentUser currentUser, TimeProvider time, ProvisioningGuard provisioning)
{
    public const string EntityType = "Silence";

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() }, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Silence ToAnalysis(AlertSilence s) => new(
        s.Id.ToString(), JsonSerializer.Deserialize<List<LabelMatcher>>(s.MatchersJson, Json)!,
        new DateTimeOffset(s.StartsAt), new DateTimeOffset(s.EndsAt), s.CreatedBy, s.Comment);

    public static string Format(LabelMatcher m) => $"{m.Label}{m.Operator switch
    {
        MatchOperator.Equal => "=",
        MatchOperator.NotEqual => "!=",
        MatchOperator.Regex => "=~",
        _ => "!~",
    }}\"{m.Value}\"";

    /// <summary>Parses one matcher written as <c>label="value"</c> with =, !=, =~ or !~ (quotes optional).</summary>
    public static LabelMatcher Parse(string text, string field)
    {
        var t = text.Trim();
        foreach (var (symbol, op) in new[] { ("=~", MatchOperator.Regex), ("!~", MatchOperator.NotRegex), ("!=", MatchOperator.NotEqual), ("=", MatchOperator.Equal) })
        {
            var at = t.IndexOf(symbol, StringComparison.Ordinal);
            if (at > 0)
            {
                var label = t[..at].Trim();
                var value = t[(at + symbol.Length)..].Trim();
                if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
                {
                    value = value[1..^1];
                }

                if (!AlertRuleForm.LabelName().IsMatch(label))
                {
                    throw new AnalysisInputException(field, $"\"{label}\" is not a label name.");
                }

                return new LabelMatcher(label, op, value);
            }
        }

        throw new AnalysisInputException(field, $"\"{text}\" is not a matcher: write label=\"value\", label!=\"value\", label=~\"regex\" or label!~\"regex\".");
    }

    public async Task<IReadOnlyList<SilenceRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var silences = await db.AlertSilences.AsNoTracking().OrderByDescending(s => s.EndsAt).ToListAsync(cancellationToken);
        return silences.Select(s => new SilenceRow(s.Id, ToAnalysis(s).Matchers, s.StartsAt, s.EndsAt, s.CreatedBy, s.Comment,
            now < s.StartsAt ? "pending" : now < s.EndsAt ? "active" : "expired")).ToList();
    }

    public async Task<SilenceRow?> FindAsync(int id, CancellationToken cancellationToken = default) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(s => s.Id == id);

    /// <summary>Creates a silence from matcher lines; throws <see cref="AnalysisInputException"/> naming the field.</summary>
    public Task<AlertSilence> CreateAsync(string matchers, DateTimeOffset startsAt, DateTimeOffset endsAt, string? comment, CancellationToken cancellationToken = default)
    {
        var lines = matchers.Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return CreateAsync(lines.Select((line, i) => Parse(line, $"matchers[{i}]")).ToList(), startsAt, endsAt, comment, cancellationToken);
    }

    /// <summary>Creates a silence by the caller (the author); throws <see cref="AnalysisInputException"/> naming the field.</summary>
    public async Task<AlertSilence> CreateAsync(IReadOnlyList<LabelMatcher> matchers, DateTimeOffset startsAt, DateTimeOffset endsAt, string? comment, CancellationToken cancellationToken = default)
    {
        var silence = new Silence("new", matchers, startsAt, endsAt, Comment: comment);
        silence.Validate();
        if (string.IsNullOrWhiteSpace(comment))
        {
            throw new AnalysisInputException("comment", "Say why the alerts are silenced (e.g. the maintenance or the ticket).");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = new AlertSilence
        {
            MatchersJson = JsonSerializer.Serialize(matchers, Json),
            StartsAt = startsAt.UtcDateTime,
            EndsAt = endsAt.UtcDateTime,
            CreatedBy = await currentUser.NameAsync(),
            Comment = comment.Trim(),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.AlertSilences.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(db, AuditActions.Create, EntityType, entity.Id.ToString(), null, Snapshot(entity), cancellationToken);
        return entity;
    }

    /// <summary>Ends a silence now (kept for the record).</summary>
    public async Task<bool> ExpireAsync(int id, CancellationToken cancellationToken = default)
    {
        await provisioning.EnsureWritableAsync(ProvisionedKinds.Silence, id.ToString(), cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = await db.AlertSilences.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        if (entity is null || entity.EndsAt <= now)
        {
            return false;
        }

        var before = Snapshot(entity);
        entity.EndsAt = now;
        if (entity.StartsAt > now)
        {
            entity.StartsAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(db, AuditActions.Update, EntityType, id.ToString(), before, Snapshot(entity), cancellationToken);
        return true;
    }

    private static object Snapshot(AlertSilence s) => new { s.MatchersJson, s.StartsAt, s.EndsAt, s.CreatedBy, s.Comment };
}
