using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Alerting;
using Portal.Analysis.Common;
using Portal.Data.Entities;
using Portal.Data;
using Portal.Web.Features.Alerts;
using Portal.Web.Features.Drift.Monitoring;
using Portal.Web.Features.Models;
using Portal.Web.Features.Runbooks;
using Portal.Web.Features.Slos;
using Portal.Web.Infrastructure.Models;
using Portal.Web.Infrastructure.Provisioning;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Provisioning;

/// <summary>What applying one file did.</summary>
public sealed record FileOutcome(int Created, int Updated, int Unchanged, int Removed, IReadOnlyList<ProvisioningError> Errors)
{
    public bool Refused => Errors.Count > 0;
}

/// <summary>
/// Applies one provisioning file through the services the forms and the API use (same validation, audit and side
/// effects). All or nothing: every document is parsed and validated first, and nothing is written when any is wrong.
/// An unchanged document writes nothing. Objects the file provisioned before and no longer lists are deleted (rules,
/// channels, SLOs), expired (silences) or released, i.e. editable again (models, drift settings, runbooks).
/// </summary>
public sealed class ProvisioningApplier(
    IDbContextFactory<PortalDbContext> contexts,
    AlertRuleService rules,
    ChannelService channels,
    SilenceService silences,
    RunbookService runbooks,
    SloService slos,
    DriftSettingsService driftSettings,
    ModelCatalog catalog,
    TimeProvider time)
{
    /// <summary>A validated document: its identity, and how to write it once what it refers to exists.</summary>
    private sealed record Step(string Kind, string Name, ProvisioningDocument Document, Func<CancellationToken, Task<Write>> Prepare);

    /// <summary>The hash of what would be written (with references resolved), the object if it exists, and the write.</summary>
    private sealed record Write(string Hash, string? ExistingKey, Func<CancellationToken, Task<string>> Save);

    /// <summary>Names the file defines, so a document may refer to an object the same file creates.</summary>
    private sealed class FileScope
    {
        public Dictionary<string, MlModel> Models { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Runbooks { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Channels { get; } = new(StringComparer.Ordinal);
    }

    public async Task<FileOutcome> ApplyAsync(string file, IReadOnlyList<ProvisioningDocument> documents, CancellationToken cancellationToken)
    {
        var errors = new List<ProvisioningError>();
        var scope = new FileScope();
        var steps = new List<Step>();
        var seen = new Dictionary<(string, string), ProvisioningDocument>();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var owned = await db.ProvisionedObjects.AsNoTracking().ToListAsync(cancellationToken);

        // Documents that others refer to first, whatever their order in the file.
        foreach (var document in documents.OrderBy(d => Order(d.Kind)))
        {
            try
            {
                var step = await PlanAsync(db, document, scope, cancellationToken);
                if (!seen.TryAdd((step.Kind, step.Name), document))
                {
                    errors.Add(document.Error("name", $"{step.Kind} '{step.Name}' is also defined at line {seen[(step.Kind, step.Name)].Line}."));
                }
                else if (owned.FirstOrDefault(o => o.Kind == step.Kind && o.Name == step.Name && o.File != file) is { } other)
                {
                    errors.Add(document.Error("name", $"{step.Kind} '{step.Name}' is provisioned by the file '{other.File}' already."));
                }

                steps.Add(step);
            }
            catch (AnalysisInputException e)
            {
                errors.Add(document.Error(FieldName(document.Kind, e.Field), e.Reason));
            }
            catch (InputValidationException e)
            {
                errors.AddRange(e.Errors.SelectMany(f => f.Value.Select(reason => document.Error(FieldName(document.Kind, f.Key), reason))));
            }
            catch (JsonException e)
            {
                errors.Add(document.Error(e.Path ?? "", "has the wrong type or an unknown value."));
            }
        }

        if (errors.Count > 0)
        {
            return new FileOutcome(0, 0, 0, 0, errors.OrderBy(e => e.Line).ToList());
        }

        int created = 0, updated = 0, unchanged = 0, removed = 0;
        using (ProvisioningGuard.Applying())
        {
            foreach (var step in steps)
            {
                try
                {
                    var write = await step.Prepare(cancellationToken);
                    var mark = owned.FirstOrDefault(o => o.Kind == step.Kind && o.Name == step.Name);
                    if (mark is not null && mark.Hash == write.Hash && mark.EntityKey == write.ExistingKey)
                    {
                        unchanged++;
                        continue;
                    }

                    var key = await write.Save(cancellationToken);
                    _ = write.ExistingKey is null ? created++ : updated++;
                    await MarkAsync(step, file, key, write.Hash, cancellationToken);
                }
                catch (Exception e) when (e is AnalysisInputException or Infrastructure.Validation.ProblemException)
                {
                    // Validated above, so only a concurrent change gets here; the documents before it are applied.
                    var (field, message) = e is AnalysisInputException a ? (FieldName(step.Kind, a.Field), a.Reason) : ("", e.Message);
                    errors.Add(step.Document.Error(field, message));
                    return new FileOutcome(created, updated, unchanged, removed, errors);
                }
            }

            foreach (var gone in owned.Where(o => o.File == file && !seen.ContainsKey((o.Kind, o.Name))).OrderByDescending(o => Order(o.Kind)))
            {
                await RemoveAsync(gone, cancellationToken);
                removed++;
            }
        }

        return new FileOutcome(created, updated, unchanged, removed, errors);
    }

    private static int Order(string kind) => ProvisionedKinds.All.ToList().IndexOf(kind);

    /// <summary>A service's field name as the document writes it.</summary>
    private static string FieldName(string kind, string field) => (kind, field) switch
    {
        (ProvisionedKinds.Slo, "kind") => "type",
        (ProvisionedKinds.Runbook, "title") => "name",
        (ProvisionedKinds.Model, "model") => "name",
        _ => field,
    };

    private Task<Step> PlanAsync(PortalDbContext db, ProvisioningDocument document, FileScope scope, CancellationToken cancellationToken)
    {
        var kind = document.Kind;
        if (!ProvisioningFields.ByKind.TryGetValue(kind, out var fields))
        {
            throw new AnalysisInputException("kind", $"'{kind}' is not a kind: use {string.Join(", ", ProvisionedKinds.All)}.");
        }

        if (document.Body.Select(p => p.Key).FirstOrDefault(k => !fields.Contains(k)) is { } unknown)
        {
            throw new AnalysisInputException(unknown, $"{kind} has no field '{unknown}'; its fields are {string.Join(", ", fields.Skip(1))}.");
        }

        return kind switch
        {
            ProvisionedKinds.Model => PlanModelAsync(db, document, scope, cancellationToken),
            ProvisionedKinds.Runbook => Task.FromResult(PlanRunbook(document, scope)),
            ProvisionedKinds.Channel => PlanChannelAsync(db, document, scope, cancellationToken),
            ProvisionedKinds.DriftSettings => PlanDriftSettingsAsync(db, document, scope, cancellationToken),
            ProvisionedKinds.Slo => PlanSloAsync(db, document, scope, cancellationToken),
            ProvisionedKinds.AlertRule => PlanAlertRuleAsync(db, document, scope, cancellationToken),
            _ => Task.FromResult(PlanSilence(document)),
        };
    }

    private static string Required(JsonObject body, string field) =>
        body[field] is JsonValue v && v.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text)
            ? text.Trim()
            : throw new AnalysisInputException(field, "is required.");

    /// <summary>The body without the document's own fields (kind and identity): what a model's hash and PUT body are made of.</summary>
    private static JsonElement Without(JsonObject body, params string[] fields)
    {
        var copy = (JsonObject)body.DeepClone();
        foreach (var field in fields.Append("kind"))
        {
            copy.Remove(field);
        }

        return JsonSerializer.SerializeToElement(copy);
    }

    /// <summary>Reads the document into its record; <paramref name="required"/> fields have no default.</summary>
    private static T Read<T>(JsonObject body, params string[] required)
    {
        if (required.FirstOrDefault(field => body[field] is null) is { } missing)
        {
            throw new AnalysisInputException(missing, "is required.");
        }

        return body.Deserialize<T>(ProvisioningFields.Json) ?? throw new AnalysisInputException("$", "is empty.");
    }

    private static string Hash(params object?[] parts)
    {
        var text = JsonSerializer.Serialize(parts, ProvisioningFields.Json);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private async Task<Step> PlanModelAsync(PortalDbContext db, ProvisioningDocument document, FileScope scope, CancellationToken cancellationToken)
    {
        var name = Required(document.Body, "name");
        if (!ModelNames.IsValid(name))
        {
            throw new AnalysisInputException("name", $"a model name is {ModelNames.Rule}.");
        }

        var body = Without(document.Body, "name");
        var existing = await db.Models.AsNoTracking().Include(m => m.Features).Include(m => m.Versions).AsSplitQuery()
            .FirstOrDefaultAsync(m => m.Name == name, cancellationToken);
        var request = body.Deserialize<ModelPutRequest>(ProvisioningFields.Json) ?? new ModelPutRequest();
        var preview = existing ?? new MlModel { Name = name };
        ModelEndpoints.Apply(request, preview, existing is null); // validates; the preview is never saved
        scope.Models[name] = preview;
        return new Step(ProvisionedKinds.Model, name, document, async ct =>
        {
            await using var context = await contexts.CreateDbContextAsync(ct);
            var exists = await context.Models.AnyAsync(m => m.Name == name, ct);
            return new Write(Hash(body), exists ? name : null, async ct2 =>
            {
                await using var write = await contexts.CreateDbContextAsync(ct2);
                await ModelEndpoints.SaveAsync(write, catalog, name, request, ct2);
                return name;
            });
        });
    }

    private Step PlanRunbook(ProvisioningDocument document, FileScope scope)
    {
        var runbook = Read<RunbookDocument>(document.Body, "name", "markdown");
        var errors = RunbookService.Validate(runbook.Name ?? "", runbook.Markdown ?? "");
        errors.ThrowIfAny();

        var title = runbook.Name!.Trim();
        var tags = string.Join(",", runbook.Tags ?? []);
        scope.Runbooks.Add(title);
        return new Step(ProvisionedKinds.Runbook, title, document, async ct =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var id = await db.Runbooks.Where(r => r.Title == title).Select(r => (int?)r.Id).FirstOrDefaultAsync(ct);
            return new Write(Hash(title, runbook.Markdown, RunbookService.SplitTags(tags)), id?.ToString(), async ct2 =>
                (await runbooks.SaveAsync(id, title, runbook.Markdown!, tags, ct2)).Id.ToString());
        });
    }

    private async Task<Step> PlanChannelAsync(PortalDbContext db, ProvisioningDocument document, FileScope scope, CancellationToken cancellationToken)
    {
        var channel = Read<ChannelDocument>(document.Body, "name", "type");
        var name = channel.Name?.Trim() ?? "";
        var existing = await db.NotificationChannels.AsNoTracking().FirstOrDefaultAsync(c => c.Name == name, cancellationToken);
        var form = new ChannelForm
        {
            Id = existing?.Id, Name = name, Type = channel.Type, Secret = channel.Secret, SendResolved = channel.SendResolved, Enabled = channel.Enabled,
            HasSecret = existing?.ProtectedSecret is not null,
            Settings = new ChannelSettings
            {
                Url = channel.Url, SmtpHost = channel.SmtpHost, SmtpPort = channel.SmtpPort, SmtpSecurity = channel.SmtpSecurity,
                SmtpUser = channel.SmtpUser, From = channel.From, To = channel.To, Matchers = channel.Matchers ?? [], GroupBy = channel.GroupBy,
                GroupWait = channel.GroupWait, GroupInterval = channel.GroupInterval, RepeatInterval = channel.RepeatInterval,
            },
        };
        var errors = await channels.ValidateAsync(form, cancellationToken);
        errors.ThrowIfAny();

        scope.Channels.Add(name);
        return new Step(ProvisionedKinds.Channel, name, document, async ct =>
        {
            await using var context = await contexts.CreateDbContextAsync(ct);
            var current = await context.NotificationChannels.AsNoTracking().FirstOrDefaultAsync(c => c.Name == name, ct);
            form.Id = current?.Id;
            form.HasSecret = current?.ProtectedSecret is not null;
            return new Write(Hash(channel), current?.Id.ToString(), async ct2 => (await channels.SaveAsync(form, ct2)).Id.ToString());
        });
    }

    /// <summary>The model a document refers to: stored, or defined earlier in the same file.</summary>
    private static async Task<MlModel> ModelAsync(PortalDbContext db, string name, FileScope scope, CancellationToken cancellationToken) =>
        await db.Models.AsNoTracking().Include(m => m.Features).FirstOrDefaultAsync(m => m.Name == name, cancellationToken)
        ?? scope.Models.GetValueOrDefault(name)
        ?? throw new AnalysisInputException("model", $"there is no model '{name}' (neither in the portal nor in this file).");

    private async Task<MlModel> StoredModelAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Models.AsNoTracking().Include(m => m.Features).FirstAsync(m => m.Name == name, cancellationToken);
    }

    private async Task<Step> PlanDriftSettingsAsync(PortalDbContext db, ProvisioningDocument document, FileScope scope, CancellationToken cancellationToken)
    {
        var modelName = Required(document.Body, "model");
        var model = await ModelAsync(db, modelName, scope, cancellationToken);
        var settings = DriftSettingsRules.Validate(Read<DriftSettingsRequest>(document.Body).ToView(), model, time.GetUtcNow().UtcDateTime);
        return new Step(ProvisionedKinds.DriftSettings, modelName, document, async ct =>
        {
            await using var context = await contexts.CreateDbContextAsync(ct);
            var exists = await context.DriftSettings.AnyAsync(s => context.Models.Any(m => m.Id == s.ModelId && m.Name == modelName), ct);
            return new Write(Hash(settings), exists ? modelName : null, async ct2 =>
            {
                await driftSettings.SaveAsync(await StoredModelAsync(modelName, ct2), settings, ct2);
                return modelName;
            });
        });
    }

    private async Task<Step> PlanSloAsync(PortalDbContext db, ProvisioningDocument document, FileScope scope, CancellationToken cancellationToken)
    {
        var modelName = Required(document.Body, "model");
        var body = (JsonObject)document.Body.DeepClone();
        body.Remove("kind");
        body.Remove("model");
        if (body["type"] is { } type)
        {
            body.Remove("type");
            body["kind"] = type;
        }

        var names = body["channels"] is JsonArray list && list.All(n => n is JsonValue v && v.TryGetValue<string>(out _))
            ? list.Select(n => n!.GetValue<string>()).ToList()
            : body["channels"] is null ? [] : throw new AnalysisInputException("channels", "must be a list of channel names.");
        body.Remove("channels");
        var input = Read<SloRequest>(body).ToInput();
        input.ToAnalysis().Validate();
        await ModelAsync(db, modelName, scope, cancellationToken);
        var name = input.Name.Trim();
        if (name.Length == 0)
        {
            throw new AnalysisInputException("name", "is required.");
        }

        await CheckChannelsAsync(db, names, scope, cancellationToken);
        return new Step(ProvisionedKinds.Slo, $"{modelName}/{name}", document, async ct =>
        {
            var model = await StoredModelAsync(modelName, ct);
            await using var context = await contexts.CreateDbContextAsync(ct);
            var id = await context.SloDefinitions.Where(s => s.ModelId == model.Id && s.Name == name).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct);
            var resolved = input with { ChannelIds = await ChannelIdsAsync(context, names, ct) };
            return new Write(Hash(modelName, resolved), id?.ToString(), async ct2 => id is { } existing
                ? (await slos.UpdateAsync(model, existing, resolved, ct2))!.Id.ToString()
                : (await slos.CreateAsync(model, resolved, ct2)).Id.ToString());
        });
    }

    /// <summary>Every channel a document names exists in the portal or is defined in the same file.</summary>
    private static async Task CheckChannelsAsync(PortalDbContext db, List<string> names, FileScope scope, CancellationToken cancellationToken)
    {
        var stored = await db.NotificationChannels.Where(c => names.Contains(c.Name)).Select(c => c.Name).ToListAsync(cancellationToken);
        for (var i = 0; i < names.Count; i++)
        {
            if (!stored.Contains(names[i]) && !scope.Channels.Contains(names[i]))
            {
                throw new AnalysisInputException($"channels[{i}]", $"there is no channel '{names[i]}' (neither in the portal nor in this file).");
            }
        }
    }

    /// <summary>The ids of named channels, in the document's order (once the file's channels are written).</summary>
    private static async Task<List<int>> ChannelIdsAsync(PortalDbContext db, List<string> names, CancellationToken cancellationToken)
    {
        var ids = await db.NotificationChannels.Where(c => names.Contains(c.Name)).ToDictionaryAsync(c => c.Name, c => c.Id, cancellationToken);
        return names.Select(n => ids[n]).ToList();
    }

    private async Task<Step> PlanAlertRuleAsync(PortalDbContext db, ProvisioningDocument document, FileScope scope, CancellationToken cancellationToken)
    {
        var rule = Read<AlertRuleDocument>(document.Body, "name", "metric", "threshold");
        var names = rule.Channels ?? [];
        var form = new AlertRuleForm
        {
            Name = rule.Name ?? "", Description = rule.Description, Model = rule.Model, Metric = rule.Metric, Feature = rule.Feature,
            Comparator = rule.Comparator, Threshold = rule.Threshold, Window = rule.Window, For = rule.For, KeepFiringFor = rule.KeepFiringFor,
            Severity = rule.Severity, NoData = rule.NoData, RepeatInterval = rule.RepeatInterval, Enabled = rule.Enabled,
            Labels = string.Join('\n', (rule.Labels ?? []).Select(kv => $"{kv.Key}={kv.Value}")),
        };

        // References may be to objects this file creates: check those by name, the rest as the form would.
        var check = form.Clone();
        if (rule.Model is { } modelName && scope.Models.ContainsKey(modelName) && !await db.Models.AnyAsync(m => m.Name == modelName, cancellationToken))
        {
            check.Model = null;
        }

        if (rule.Runbook is { } runbook)
        {
            var id = await db.Runbooks.Where(r => r.Title == runbook).Select(r => (int?)r.Id).FirstOrDefaultAsync(cancellationToken);
            if (id is null && !scope.Runbooks.Contains(runbook))
            {
                throw new AnalysisInputException("runbook", $"there is no runbook titled '{runbook}' (neither in the portal nor in this file).");
            }

            check.RunbookId = id;
        }

        await CheckChannelsAsync(db, names, scope, cancellationToken);
        check.ChannelIds = await db.NotificationChannels.Where(c => names.Contains(c.Name)).Select(c => c.Id).ToListAsync(cancellationToken);
        check.Id = await RuleIdAsync(db, form, cancellationToken);
        var errors = await rules.ValidateAsync(check, cancellationToken);
        errors.ThrowIfAny();

        return new Step(ProvisionedKinds.AlertRule, RuleName(form.Name.Trim(), form.Severity), document, async ct =>
        {
            await using var context = await contexts.CreateDbContextAsync(ct);
            var resolved = form.Clone();
            resolved.RunbookId = rule.Runbook is null ? null : await context.Runbooks.Where(r => r.Title == rule.Runbook).Select(r => r.Id).FirstAsync(ct);
            resolved.ChannelIds = await ChannelIdsAsync(context, names, ct);
            resolved.Id = await RuleIdAsync(context, form, ct);
            return new Write(Hash(rule, resolved.RunbookId, resolved.ChannelIds), resolved.Id?.ToString(), async ct2 => (await rules.SaveAsync(resolved, ct2)).Id.ToString());
        });
    }

    /// <summary>An alert rule's identity: a name may have one rule per severity.</summary>
    public static string RuleName(string name, AlertSeverity severity) => $"{name}/{severity.ToString().ToLowerInvariant()}";

    private static async Task<int?> RuleIdAsync(PortalDbContext db, AlertRuleForm form, CancellationToken cancellationToken)
    {
        var name = form.Name.Trim();
        var severity = form.Severity.ToString();
        return await db.AlertRules.Where(r => r.Name == name && r.Severity == severity).Select(r => (int?)r.Id).FirstOrDefaultAsync(cancellationToken);
    }

    private Step PlanSilence(ProvisioningDocument document)
    {
        var silence = Read<SilenceDocument>(document.Body, "name", "matchers", "startsAt", "endsAt", "comment");
        var name = silence.Name?.Trim() is { Length: > 0 } n ? n : throw new AnalysisInputException("name", "is required.");
        var matchers = (silence.Matchers ?? []).Select((m, i) => SilenceService.Parse(m ?? "", $"matchers[{i}]")).ToList();
        new Silence("new", matchers, silence.StartsAt, silence.EndsAt, Comment: silence.Comment).Validate();
        if (string.IsNullOrWhiteSpace(silence.Comment))
        {
            throw new AnalysisInputException("comment", "Say why the alerts are silenced (e.g. the maintenance or the ticket).");
        }

        return new Step(ProvisionedKinds.Silence, name, document, async ct =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var mark = await db.ProvisionedObjects.AsNoTracking().FirstOrDefaultAsync(p => p.Kind == ProvisionedKinds.Silence && p.Name == name, ct);
            var exists = mark is not null && int.TryParse(mark.EntityKey, out var id) && await db.AlertSilences.AnyAsync(s => s.Id == id, ct);
            return new Write(Hash(silence), exists ? mark!.EntityKey : null, async ct2 =>
            {
                // Like Alertmanager: a changed silence is expired and replaced, so the record of the old one stays.
                if (exists)
                {
                    await silences.ExpireAsync(int.Parse(mark!.EntityKey), ct2);
                }

                var created = await silences.CreateAsync(string.Join('\n', matchers.Select(SilenceService.Format)), silence.StartsAt, silence.EndsAt, silence.Comment, ct2);
                return created.Id.ToString();
            });
        });
    }

    private async Task MarkAsync(Step step, string file, string key, string hash, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var mark = await db.ProvisionedObjects.FirstOrDefaultAsync(p => p.Kind == step.Kind && p.Name == step.Name, cancellationToken);
        if (mark is null)
        {
            mark = new ProvisionedObject { Kind = step.Kind, Name = step.Name, EntityKey = key, File = file, Hash = hash };
            db.ProvisionedObjects.Add(mark);
        }

        mark.EntityKey = key;
        mark.File = file;
        mark.Hash = hash;
        mark.AppliedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>An object its file no longer lists: deleted, expired or released (see the class summary).</summary>
    public async Task RemoveAsync(ProvisionedObject gone, CancellationToken cancellationToken)
    {
        using (ProvisioningGuard.Applying())
        {
            var id = int.TryParse(gone.EntityKey, out var parsed) ? parsed : 0;
            switch (gone.Kind)
            {
                case ProvisionedKinds.AlertRule:
                    await rules.DeleteAsync(id, cancellationToken);
                    break;
                case ProvisionedKinds.Channel:
                    await channels.DeleteAsync(id, cancellationToken);
                    break;
                case ProvisionedKinds.Silence:
                    await silences.ExpireAsync(id, cancellationToken);
                    break;
                case ProvisionedKinds.Slo:
                    await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
                    {
                        var modelId = await db.SloDefinitions.Where(s => s.Id == id).Select(s => (int?)s.ModelId).FirstOrDefaultAsync(cancellationToken);
                        if (modelId is { } m)
                        {
                            await slos.DeleteAsync(await db.Models.AsNoTracking().FirstAsync(x => x.Id == m, cancellationToken), id, cancellationToken);
                        }
                    }

                    break;
            }

            await using var context = await contexts.CreateDbContextAsync(cancellationToken);
            await context.ProvisionedObjects.Where(p => p.Id == gone.Id).ExecuteDeleteAsync(cancellationToken);
        }
    }
}
