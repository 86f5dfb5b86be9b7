using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Common;
using Portal.Data;
using Portal.Data.Entities.Alerting;
using Portal.Web.Infrastructure.Audit;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.Provisioning;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Runbooks;

public sealed record RunbookRow(int Id, string Title, IReadOnlyList<string> Tags, int Version, DateTime UpdatedAt, string UpdatedBy, int Rules);

/// <summary>One line of a diff between two versions.</summary>
public sealed record DiffLine(string Kind, string Text);

/// <summary>Runbooks in Markdown with tags and a version per save; pages render them with <see cref="Infrastructure.SafeMarkdown"/>.</summary>
public sealed class RunbookService(IDbContextFactory<PortalDbContext> contexts, IAuditLog audit, CurrentUser currentUser, TimeProvider time, ProvisioningGuard provisioning)
{
    public const string EntityType = "Runbook";

    public static IReadOnlyList<string> SplitTags(string tags) =>
        tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => t.ToLowerInvariant()).Distinct().ToList();

    public async Task<IReadOnlyList<RunbookRow>> ListAsync(string? tag = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var runbooks = await db.Runbooks.AsNoTracking().OrderBy(r => r.Title).ToListAsync(cancellationToken);
        var uses = (await db.AlertRules.AsNoTracking().Where(r => r.RunbookId != null).Select(r => r.RunbookId!.Value).ToListAsync(cancellationToken))
            .GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        return runbooks.Select(r => new RunbookRow(r.Id, r.Title, SplitTags(r.Tags), r.Version, r.UpdatedAt, r.UpdatedBy, uses.GetValueOrDefault(r.Id)))
            .Where(r => tag is null || r.Tags.Contains(tag)).ToList();
    }

    public async Task<Runbook?> FindAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Runbooks.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
    }

    public async Task<IReadOnlyList<RunbookVersion>> VersionsAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.RunbookVersions.AsNoTracking().Where(v => v.RunbookId == id).OrderByDescending(v => v.Version).ToListAsync(cancellationToken);
    }

    public static ValidationProblems Validate(string title, string markdown)
    {
        var errors = new ValidationProblems();
        if (string.IsNullOrWhiteSpace(title) || title.Trim().Length > Runbook.TitleMaxLength)
        {
            errors.Add("title", $"Give the runbook a title of at most {Runbook.TitleMaxLength} characters.");
        }

        if (string.IsNullOrWhiteSpace(markdown))
        {
            errors.Add("markdown", "Write what to do: the runbook must not be empty.");
        }
        else if (markdown.Length > 200_000)
        {
            errors.Add("markdown", "At most 200,000 characters.");
        }

        return errors;
    }

    /// <summary>Creates (id null) or updates a runbook; each save that changes something adds a version.</summary>
    public async Task<Runbook> SaveAsync(int? id, string title, string markdown, string tags, CancellationToken cancellationToken = default)
    {
        if (id is { } editing)
        {
            await provisioning.EnsureWritableAsync(ProvisionedKinds.Runbook, editing.ToString(), cancellationToken);
        }

        var errors = Validate(title, markdown);
        title = title.Trim();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (errors.IsEmpty && await db.Runbooks.AnyAsync(r => r.Title == title && r.Id != (id ?? 0), cancellationToken))
        {
            errors.Add("title", $"A runbook titled \"{title}\" exists already.");
        }

        errors.ThrowIfAny();

        var by = await currentUser.NameAsync();
        var now = time.GetUtcNow().UtcDateTime;
        var normalizedTags = string.Join(",", SplitTags(tags));
        Runbook runbook;
        object? before = null;
        if (id is { } existing)
        {
            runbook = await db.Runbooks.FirstAsync(r => r.Id == existing, cancellationToken);
            if (runbook.Title == title && runbook.Markdown == markdown && runbook.Tags == normalizedTags)
            {
                return runbook;
            }

            before = Snapshot(runbook);
            runbook.Version++;
        }
        else
        {
            runbook = new Runbook { Title = title, Markdown = markdown, UpdatedBy = by };
            db.Runbooks.Add(runbook);
        }

        runbook.Title = title;
        runbook.Markdown = markdown;
        runbook.Tags = normalizedTags;
        runbook.UpdatedAt = now;
        runbook.UpdatedBy = by;
        runbook.Versions.Add(new RunbookVersion { Version = runbook.Version, Title = title, Markdown = markdown, Tags = normalizedTags, At = now, By = by });
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(db, before is null ? AuditActions.Create : AuditActions.Update, EntityType, runbook.Id.ToString(), before, Snapshot(runbook), cancellationToken);
        return runbook;
    }

    /// <summary>Creates the runbook, or changes the one with the same title (a new version when something changed): what provisioning calls.</summary>
    public async Task<Runbook> UpsertByTitleAsync(string title, string markdown, string tags, CancellationToken cancellationToken = default)
    {
        int? id;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var trimmed = title.Trim();
            id = await db.Runbooks.Where(r => r.Title == trimmed).Select(r => (int?)r.Id).FirstOrDefaultAsync(cancellationToken);
        }

        return await SaveAsync(id, title, markdown, tags, cancellationToken);
    }

    /// <summary>Deletes a runbook and its versions (audited); rules that linked it keep working without one.</summary>
    public async Task<bool> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        await provisioning.EnsureWritableAsync(ProvisionedKinds.Runbook, id.ToString(), cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var runbook = await db.Runbooks.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (runbook is null)
        {
            return false;
        }

        db.Runbooks.Remove(runbook);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(db, AuditActions.Delete, EntityType, id.ToString(), Snapshot(runbook), null, cancellationToken);
        return true;
    }

    /// <summary>Line diff of two texts (older first): unchanged, inserted and deleted lines.</summary>
    public static IReadOnlyList<DiffLine> Diff(string older, string newer)
    {
        var model = InlineDiffBuilder.Diff(older, newer, ignoreWhiteSpace: false);
        return model.Lines.Select(l => new DiffLine(l.Type switch
        {
            ChangeType.Inserted => "added",
            ChangeType.Deleted => "removed",
            ChangeType.Modified => "changed",
            _ => "same",
        }, l.Text)).ToList();
    }

    private static object Snapshot(Runbook r) => new { r.Title, r.Tags, r.Version, MarkdownLength = r.Markdown.Length };
}
