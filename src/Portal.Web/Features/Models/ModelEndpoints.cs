using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Common;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Features.Analysis;
using Portal.Web.Features.Ingestion;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.Models;
using Portal.Web.Infrastructure.OpenApi;
using Portal.Web.Infrastructure.Provisioning;

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
        group.MapPut("/{model}", Put).RequireEngineer().DocumentsBody<ModelPutRequest>("application/json");
        group.MapGet("/{model}/summary", ModelSummary.HandleAsync).WithModel();
        return endpoints;
    }

    /// <summary>
    /// Models by name, a page at a time (<c>?limit=</c>, default 100, at most 500; <c>?offset=</c>); a model-scoped API
    /// key sees only its own. The body stays a JSON array (as before paging); the total is in <c>X-Total-Count</c> and
    /// the next page in a <c>Link: rel="next"</c> header.
    /// </summary>
    private static async Task<Ok<List<ModelDto>>> List(int? limit, int? offset, HttpContext context, PortalDbContext db, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > InputLimits.MaxPageSize)
        {
            throw new AnalysisInputException("limit", $"must be from 1 to {InputLimits.MaxPageSize}.");
        }

        if (offset is < 0)
        {
            throw new AnalysisInputException("offset", "must not be negative.");
        }

        var (take, skip) = (limit ?? InputLimits.DefaultPageSize, offset ?? 0);
        var scoped = ModelAccess.ScopedModel(context.User);
        var query = db.Models.AsNoTracking().Where(m => scoped == null || m.Name == scoped);
        var total = await query.CountAsync(cancellationToken);
        var models = await query.OrderBy(m => m.Name).Skip(skip).Take(take)
            .Include(m => m.Features).Include(m => m.Versions).AsSplitQuery().ToListAsync(cancellationToken);
        context.Response.Headers["X-Total-Count"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (skip + take < total)
        {
            context.Response.Headers.Link = $"</api/v1/models?limit={take}&offset={skip + take}>; rel=\"next\"";
        }

        return TypedResults.Ok(models.Select(ToDto).ToList());
    }

    private static async Task<Results<Ok<ModelDto>, ProblemHttpResult>> Get(string model, HttpContext context, PortalDbContext db, CancellationToken cancellationToken)
    {
        if (!ModelAccess.CanRead(context.User, model))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: $"This API key may not read model '{model}'.");
        }

        var entity = await db.Models.AsNoTracking().Include(m => m.Features).Include(m => m.Versions).AsSplitQuery().FirstOrDefaultAsync(m => m.Name == model, cancellationToken);
        return entity is null ? IngestionAuth.UnknownModel(model) : TypedResults.Ok(ToDto(entity));
    }

    /// <summary>Who may: an Engineer or higher, or an admin key (README: Engineers manage models and schemas); not a model's own key.</summary>
    private static async Task<Results<Created<ModelDto>, Ok<ModelDto>>> Put(
        string model, JsonElement body, PortalDbContext db, ModelCatalog catalog, ProvisioningGuard provisioning, CancellationToken cancellationToken)
    {
        await provisioning.EnsureWritableAsync(ProvisionedKinds.Model, model, cancellationToken);
        var (entity, created) = await SaveAsync(db, catalog, model, body, cancellationToken);
        var dto = ToDto(entity);
        return created ? TypedResults.Created($"/api/v1/models/{model}", dto) : TypedResults.Ok(dto);
    }

    /// <summary>Creates or updates a model from a PUT body (validated field by field); also used by provisioning.</summary>
    public static async Task<(MlModel Entity, bool Created)> SaveAsync(PortalDbContext db, ModelCatalog catalog, string model, JsonElement body, CancellationToken cancellationToken)
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
        return (entity, created);
    }

    /// <summary>
    /// The body of <c>PUT /api/v1/models/{model}</c> as the document shows it; <see cref="Apply"/> reads it field by field
    /// because a field that is present and null (clear the description) differs from one that is absent (keep it).
    /// <c>versions</c> items are a version string or <c>{"version", "description"}</c>.
    /// </summary>
    public sealed record ModelPutRequest(
        string? TaskType, string? Description, string? Owner, double? LowConfidenceThreshold, JsonElement[]? Versions, FeatureDto[]? Features);

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
            if (versions.GetArrayLength() > InputLimits.MaxVersionsPerPut)
            {
                throw new AnalysisInputException("versions", $"has {versions.GetArrayLength()} versions; at most {InputLimits.MaxVersionsPerPut} are accepted per request.");
            }

            var known = entity.Versions.ToDictionary(v => v.Version, StringComparer.Ordinal);
            var i = 0;
            foreach (var v in versions.EnumerateArray())
            {
                var field = $"versions[{i++}]";
                var (name, description) = v.ValueKind == JsonValueKind.String ? (v.GetString()!, null)
                    : v.ValueKind == JsonValueKind.Object ? (JsonInput.OptionalString(v, "version") ?? throw new AnalysisInputException($"{field}.version", "is required."), JsonInput.OptionalString(v, "description"))
                    : throw new AnalysisInputException(field, "must be a version string or {\"version\": ..., \"description\": ...}.");
                Limited(name, field, ModelVersion.VersionMaxLength);
                Limited(description, $"{field}.description", 2000);
                if (!known.TryGetValue(name, out var existing))
                {
                    known[name] = new ModelVersion { Version = name, Description = description };
                    entity.Versions.Add(known[name]);
                }
                else if (description is not null)
                {
                    existing.Description = description;
                }
            }
        }

        if (OptionalArray(body, "features") is { } features)
        {
            if (features.GetArrayLength() > InputLimits.MaxModelFeatures)
            {
                throw new AnalysisInputException("features", $"has {features.GetArrayLength()} features; a model has at most {InputLimits.MaxModelFeatures}.");
            }

            // Dictionaries, not list scans: the update is linear in the number of features.
            var parsed = new Dictionary<string, ModelFeature>(StringComparer.Ordinal);
            var i = 0;
            foreach (var f in features.EnumerateArray())
            {
                var feature = ReadFeature(f, $"features[{i}]", i);
                if (!parsed.TryAdd(feature.Name, feature))
                {
                    throw new AnalysisInputException("features", $"feature '{feature.Name}' is listed twice.");
                }

                i++;
            }

            entity.Features.RemoveAll(old => !parsed.ContainsKey(old.Name));
            var existing = entity.Features.ToDictionary(x => x.Name, StringComparer.Ordinal);
            foreach (var p in parsed.Values)
            {
                if (!existing.TryGetValue(p.Name, out var kept))
                {
                    entity.Features.Add(p);
                    continue;
                }

                kept.Type = p.Type;
                kept.Min = p.Min;
                kept.Max = p.Max;
                kept.Categories = p.Categories;
                kept.Importance = p.Importance;
                kept.Ordinal = p.Ordinal;
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
            if (OptionalArray(f, "categories") is { } listed && listed.GetArrayLength() > InputLimits.MaxFeatureCategories)
            {
                throw new AnalysisInputException("categories", $"has {listed.GetArrayLength()} categories; at most {InputLimits.MaxFeatureCategories} are accepted.");
            }

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
