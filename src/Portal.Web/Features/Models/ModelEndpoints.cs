using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Common;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Features.Analysis;
using Portal.Web.Features.Ingestion;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Models;

/// <summary>Create or update a model with its feature schema (PUT), read it, and read its live summary.</summary>
public static partial class ModelEndpoints
{
    public sealed record FeatureDto(string Name, string Type, double? Min, double? Max, IReadOnlyList<string>? Categories, double? Importance);

    public sealed record VersionDto(string Version, string? Description, DateTimeOffset CreatedAt);

    public sealed record ModelDto(
        string Name, string TaskType, string? Description, string? Owner, double LowConfidenceThreshold,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<VersionDto> Versions, IReadOnlyList<FeatureDto> Features);

    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/models").RequireAuthorization().WithTags("Models");
        group.MapGet("/", List);
        group.MapGet("/{model}", Get);
        group.MapPut("/{model}", Put).RequireEngineer();
        group.MapGet("/{model}/summary", ModelSummary.HandleAsync);
        return endpoints;
    }

    /// <summary>All models; a model-scoped API key sees only its own.</summary>
    private static async Task<Ok<List<ModelDto>>> List(HttpContext context, PortalDbContext db, CancellationToken cancellationToken)
    {
        var scoped = ModelAccess.ScopedModel(context.User);
        var models = await db.Models.AsNoTracking().Where(m => scoped == null || m.Name == scoped)
            .Include(m => m.Features).Include(m => m.Versions).AsSplitQuery().OrderBy(m => m.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok(models.Select(ToDto).ToList());
    }

    private static async Task<IResult> Get(string model, HttpContext context, PortalDbContext db, CancellationToken cancellationToken)
    {
        if (!ModelAccess.CanRead(context.User, model))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: $"This API key may not read model '{model}'.");
        }

        var entity = await db.Models.AsNoTracking().Include(m => m.Features).Include(m => m.Versions).AsSplitQuery().FirstOrDefaultAsync(m => m.Name == model, cancellationToken);
        return entity is null ? IngestionAuth.UnknownModel(model) : TypedResults.Ok(ToDto(entity));
    }

    /// <summary>Who may: an Engineer or higher, or an admin key (README: Engineers manage models and schemas); not a model's own key.</summary>
    private static async Task<IResult> Put(string model, JsonElement body, PortalDbContext db, ModelCatalog catalog, CancellationToken cancellationToken)
    {
        if (!ModelNames.IsValid(model))
        {
            throw new AnalysisInputException("model", $"a model name is {ModelNames.Rule}.");
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new AnalysisInputException("$", "The body must be a JSON object.");
        }

        var entity = await db.Models.Include(m => m.Features).Include(m => m.Versions).AsSplitQuery().FirstOrDefaultAsync(m => m.Name == model, cancellationToken);
        var created = entity is null;
        entity ??= new MlModel { Name = model };
        Apply(body, entity, created);
        if (created)
        {
            db.Models.Add(entity);
        }

        entity.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        catalog.Invalidate(model);
        var dto = ToDto(entity);
        return created ? TypedResults.Created($"/api/v1/models/{model}", dto) : TypedResults.Ok(dto);
    }

    /// <summary>Applies the fields present in the body; "features" (when given) replaces the whole schema.</summary>
    public static void Apply(JsonElement body, MlModel entity, bool created)
    {
        var taskType = JsonInput.OptionalString(body, "taskType");
        if (taskType is null && created)
        {
            throw new AnalysisInputException("taskType", "is required for a new model: binary, multiclass or regression.");
        }

        if (taskType is not null)
        {
            entity.TaskType = taskType.ToLowerInvariant() switch
            {
                "binary" => ModelTaskType.Binary,
                "multiclass" => ModelTaskType.Multiclass,
                "regression" => ModelTaskType.Regression,
                _ => throw new AnalysisInputException("taskType", $"'{taskType}' is not a task type: use binary, multiclass or regression."),
            };
        }

        if (body.TryGetProperty("description", out _))
        {
            entity.Description = Limited(JsonInput.OptionalString(body, "description"), "description", 2000);
        }

        if (body.TryGetProperty("owner", out _))
        {
            entity.Owner = Limited(JsonInput.OptionalString(body, "owner"), "owner", 200);
        }

        if (body.TryGetProperty("lowConfidenceThreshold", out var threshold) && threshold.ValueKind != JsonValueKind.Null)
        {
            var value = JsonInput.Number(body, "lowConfidenceThreshold");
            entity.LowConfidenceThreshold = value is > 0 and <= 1 ? value : throw new AnalysisInputException("lowConfidenceThreshold", "must be in (0, 1].");
        }

        if (OptionalArray(body, "versions") is { } versions)
        {
            var i = 0;
            foreach (var v in versions.EnumerateArray())
            {
                var field = $"versions[{i++}]";
                var (name, description) = v.ValueKind == JsonValueKind.String ? (v.GetString()!, null)
                    : v.ValueKind == JsonValueKind.Object ? (JsonInput.OptionalString(v, "version") ?? throw new AnalysisInputException($"{field}.version", "is required."), JsonInput.OptionalString(v, "description"))
                    : throw new AnalysisInputException(field, "must be a version string or {\"version\": ..., \"description\": ...}.");
                Limited(name, field, ModelVersion.VersionMaxLength);
                var existing = entity.Versions.FirstOrDefault(x => x.Version == name);
                if (existing is null)
                {
                    entity.Versions.Add(new ModelVersion { Version = name, Description = description });
                }
                else if (description is not null)
                {
                    existing.Description = description;
                }
            }
        }

        if (OptionalArray(body, "features") is { } features)
        {
            var parsed = new List<ModelFeature>();
            var i = 0;
            foreach (var f in features.EnumerateArray())
            {
                parsed.Add(ReadFeature(f, $"features[{i}]", i));
                i++;
            }

            var duplicate = parsed.GroupBy(f => f.Name).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new AnalysisInputException("features", $"feature '{duplicate.Key}' is listed twice.");
            }

            entity.Features.RemoveAll(old => !parsed.Exists(p => p.Name == old.Name));
            foreach (var p in parsed)
            {
                var existing = entity.Features.FirstOrDefault(x => x.Name == p.Name);
                if (existing is null)
                {
                    entity.Features.Add(p);
                    continue;
                }

                existing.Type = p.Type;
                existing.Min = p.Min;
                existing.Max = p.Max;
                existing.Categories = p.Categories;
                existing.Importance = p.Importance;
                existing.Ordinal = p.Ordinal;
            }
        }
    }

    private static ModelFeature ReadFeature(JsonElement f, string field, int ordinal)
    {
        if (f.ValueKind != JsonValueKind.Object)
        {
            throw new AnalysisInputException(field, "must be an object {\"name\", \"type\", ...}.");
        }

        try
        {
            var name = JsonInput.OptionalString(f, "name") ?? throw new AnalysisInputException("name", "is required.");
            Limited(name, "name", ModelFeature.NameMaxLength);
            if (name.Length == 0)
            {
                throw new AnalysisInputException("name", "must not be empty.");
            }

            var typeText = JsonInput.OptionalString(f, "type") ?? throw new AnalysisInputException("type", "is required: numerical or categorical.");
            var type = typeText.ToLowerInvariant() switch
            {
                "numerical" or "numeric" or "num" => FeatureType.Numerical,
                "categorical" or "cat" => FeatureType.Categorical,
                _ => throw new AnalysisInputException("type", $"'{typeText}' is not a feature type: use numerical or categorical."),
            };
            double? min = f.TryGetProperty("min", out var m) && m.ValueKind != JsonValueKind.Null ? JsonInput.Number(f, "min") : null;
            double? max = f.TryGetProperty("max", out var x) && x.ValueKind != JsonValueKind.Null ? JsonInput.Number(f, "max") : null;
            if (min > max)
            {
                throw new AnalysisInputException("min", "must not be greater than max.");
            }

            double? importance = f.TryGetProperty("importance", out var imp) && imp.ValueKind != JsonValueKind.Null ? JsonInput.Number(f, "importance") : null;
            var categories = OptionalArray(f, "categories") is { } c
                ? JsonInput.Strings(c, "categories").Select(s => Limited(s, "categories", ItemFields.MaxCategoryLength)!).Distinct().ToList()
                : [];
            if (type == FeatureType.Numerical && categories.Count > 0)
            {
                throw new AnalysisInputException("categories", "only a categorical feature has categories.");
            }

            if (type == FeatureType.Categorical && (min is not null || max is not null))
            {
                throw new AnalysisInputException("min", "only a numerical feature has a range.");
            }

            return new ModelFeature { Name = name, Type = type, Min = min, Max = max, Categories = categories, Importance = importance, Ordinal = ordinal };
        }
        catch (AnalysisInputException e)
        {
            throw new AnalysisInputException($"{field}.{e.Field}", e.Reason);
        }
    }

    private static JsonElement? OptionalArray(JsonElement body, string field) =>
        body.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null
            ? JsonInput.CheckArray(value, field, allowEmpty: true)
            : null;

    private static string? Limited(string? text, string field, int max) =>
        text is not null && text.Length > max ? throw new AnalysisInputException(field, $"is {text.Length} characters long; at most {max} are allowed.") : text;

    public static ModelDto ToDto(MlModel m) => new(
        m.Name, m.TaskType.ToString().ToLowerInvariant(), m.Description, m.Owner, m.LowConfidenceThreshold, m.CreatedAt, m.UpdatedAt,
        m.Versions.OrderBy(v => v.CreatedAt).Select(v => new VersionDto(v.Version, v.Description, v.CreatedAt)).ToList(),
        m.Features.OrderBy(f => f.Ordinal)
            .Select(f => new FeatureDto(f.Name, f.Type.ToString().ToLowerInvariant(), f.Min, f.Max, f.Type == FeatureType.Categorical ? f.Categories : null, f.Importance))
            .ToList());
}
