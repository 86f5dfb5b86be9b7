using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Drift;
using Portal.Data;
using Portal.Data.Entities.Drift;
using Portal.Web.Infrastructure.Audit;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Drift;

/// <summary>A saved report as listed (without its result).</summary>
public sealed record SavedDriftReportSummary(
    int Id, string Model, string Name, string Reference, string Current, string CreatedBy, DateTime CreatedAt, bool DatasetDrift, int Columns, int DriftedColumns);

/// <summary>A saved report with the stored result, as it was computed when it was saved.</summary>
public sealed record SavedDriftReportView(SavedDriftReportSummary Summary, DriftReport Report);

/// <summary>
/// Ad-hoc drift reports kept under a name for a model (Evidently's snapshots): saved from the ad-hoc report page or
/// <c>POST /api/v1/models/{model}/drift/reports</c>, listed on the model's Drift tab, opened read-only (the stored
/// result, never recomputed), deleted by whoever saved it or an Admin. Saves and deletes are audited.
/// </summary>
public sealed class SavedDriftReports(IDbContextFactory<PortalDbContext> contexts, IAuditLog audit, CurrentUser currentUser, TimeProvider time)
{
    public const string EntityType = "SavedDriftReport";

    /// <summary>How reports are stored and answered: camelCase enums, as the analysis API writes them.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public async Task<SavedDriftReportSummary> SaveAsync(string model, string? name, string? reference, string? current, DriftReport report, CancellationToken cancellationToken = default)
    {
        var problems = new ValidationProblems();
        var cleanName = Text(problems, "name", name, SavedDriftReport.NameMaxLength);
        var cleanReference = Text(problems, "referenceName", reference, SavedDriftReport.DatasetMaxLength);
        var cleanCurrent = Text(problems, "currentName", current, SavedDriftReport.DatasetMaxLength);
        problems.ThrowIfAny();

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var modelId = await db.Models.Where(m => m.Name == model).Select(m => (int?)m.Id).FirstOrDefaultAsync(cancellationToken)
            ?? throw new ProblemException(StatusCodes.Status404NotFound, "Model not found", $"Model '{model}' does not exist.");
        var saved = new SavedDriftReport
        {
            ModelId = modelId,
            Name = cleanName!,
            Reference = cleanReference!,
            Current = cleanCurrent!,
            CreatedBy = await currentUser.NameAsync(),
            CreatedAt = time.GetUtcNow().UtcDateTime,
            DatasetDrift = report.DatasetDrift,
            Columns = report.Columns,
            DriftedColumns = report.DriftedColumns,
            ResultJson = JsonSerializer.Serialize(report, Json),
        };
        db.SavedDriftReports.Add(saved);
        await db.SaveChangesAsync(cancellationToken);
        var summary = Summary(model, saved);
        await audit.RecordAsync(db, AuditActions.Create, EntityType, saved.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), null, summary, cancellationToken);
        return summary;
    }

    /// <summary>The models a report can be saved for, by name.</summary>
    public async Task<IReadOnlyList<string>> ModelNamesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Models.AsNoTracking().OrderBy(m => m.Name).Select(m => m.Name).ToListAsync(cancellationToken);
    }

    /// <summary>The model's saved reports, newest first.</summary>
    public async Task<IReadOnlyList<SavedDriftReportSummary>> ListAsync(string model, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await Of(db, model).OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).ToListAsync(cancellationToken);
        return rows.Select(r => Summary(model, r)).ToList();
    }

    public async Task<SavedDriftReportView?> FindAsync(string model, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await Of(db, model).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return row is null ? null : new SavedDriftReportView(Summary(model, row), JsonSerializer.Deserialize<DriftReport>(row.ResultJson, Json)!);
    }

    /// <summary>Deletes the report when <paramref name="user"/> saved it or is an Admin (person or admin key); false when there is none.</summary>
    public async Task<bool> DeleteAsync(string model, int id, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await Of(db, model).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (row is null)
        {
            return false;
        }

        if (!MayDelete(row.CreatedBy, user))
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "Forbidden", $"Only {row.CreatedBy}, who saved report {id}, or an Admin may delete it.");
        }

        var summary = Summary(model, row);
        db.SavedDriftReports.Remove(row);
        await audit.RecordAsync(db, AuditActions.Delete, EntityType, id.ToString(System.Globalization.CultureInfo.InvariantCulture), summary, null, cancellationToken);
        return true;
    }

    public static bool MayDelete(string createdBy, ClaimsPrincipal user) =>
        user.IsInRole(PortalRoles.Admin) || ModelAccess.IsAdminKey(user) || (user.Identity?.Name is { } name && name == createdBy);

    private static IQueryable<SavedDriftReport> Of(PortalDbContext db, string model) =>
        db.SavedDriftReports.AsNoTracking().Where(r => db.Models.Any(m => m.Id == r.ModelId && m.Name == model));

    private static SavedDriftReportSummary Summary(string model, SavedDriftReport r) =>
        new(r.Id, model, r.Name, r.Reference, r.Current, r.CreatedBy, r.CreatedAt, r.DatasetDrift, r.Columns, r.DriftedColumns);

    private static string? Text(ValidationProblems problems, string field, string? value, int maxLength)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            problems.Add(field, "is required.");
        }
        else if (text.Length > maxLength)
        {
            problems.Add(field, $"is longer than {maxLength} characters.");
        }

        return text;
    }
}
