using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Common;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Features.Ingestion;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.Models;
using Portal.Web.Infrastructure.OpenApi;
using Portal.Web.Infrastructure.Provisioning;
using Portal.Web.Infrastructure.Validation;

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
        string model, ModelPutRequest? body, PortalDbContext db, ModelCatalog catalog, ProvisioningGuard provisioning, CancellationToken cancellationToken)
    {
        await provisioning.EnsureWritableAsync(ProvisionedKinds.Model, model, cancellationToken);
        var (entity, created) = await SaveAsync(db, catalog, model, RequestValues.RequireBody(body), cancellationToken);
        var dto = ToDto(entity);
        return created ? TypedResults.Created($"/api/v1/models/{model}", dto) : TypedResults.Ok(dto);
    }

    /// <summary>Creates or updates a model from a PUT body (validated field by field); also used by provisioning.</summary>
    public static async Task<(MlModel Entity, bool Created)> SaveAsync(PortalDbContext db, ModelCatalog catalog, string model, ModelPutRequest request, CancellationToken cancellationToken)
    {
        if (!ModelNames.IsValid(model))
        {
            throw new AnalysisInputException("model", $"a model name is {ModelNames.Rule}.");
        }

        var entity = await db.Models.Include(m => m.Features).Include(m => m.Versions).AsSplitQuery().FirstOrDefaultAsync(m => m.Name == model, cancellationToken);
        var created = entity is null;
        entity ??= new MlModel { Name = model };
        Apply(request, entity, created);
        if (created)
        {
            db.Models.Add(entity);
        }

        entity.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        catalog.Invalidate(model);
        return (entity, created);
    }

    /// <summary>Applies the fields present in the body once every one is valid; "features" (when given) replaces the whole schema.</summary>
    /// <exception cref="InputValidationException">Fields are invalid (every one named: taskType, versions[2].version, features[0].min, …).</exception>
    public static void Apply(ModelPutRequest body, MlModel entity, bool created)
    {
        var problems = new ValidationProblems();
        var taskType = ReadTaskType(body.TaskType, created, problems);
        problems.Limited(body.Description, "description", 2000);
        problems.Limited(body.Owner, "owner", 200);
        var threshold = body.LowConfidenceThreshold is { } t ? problems.Finite(t, "lowConfidenceThreshold") : (double?)null;
        if (threshold is { } value && !double.IsNaN(value) && value is not (> 0 and <= 1))
        {
            problems.Add("lowConfidenceThreshold", "must be in (0, 1].");
        }

        var versions = ReadVersions(body.Versions, problems);
        var features = ReadFeatures(body.Features, problems);
        problems.ThrowIfAny();

        entity.TaskType = taskType ?? entity.TaskType;
        entity.Description = body.HasDescription ? body.Description : entity.Description;
        entity.Owner = body.HasOwner ? body.Owner : entity.Owner;
        entity.LowConfidenceThreshold = threshold ?? entity.LowConfidenceThreshold;
        ApplyVersions(versions, entity);
        ApplyFeatures(features, entity);
    }

    private static ModelTaskType? ReadTaskType(string? text, bool created, ValidationProblems problems)
    {
        ModelTaskType? taskType = text?.ToLowerInvariant() switch
        {
            null => null,
            "binary" => ModelTaskType.Binary,
            "multiclass" => ModelTaskType.Multiclass,
            "regression" => ModelTaskType.Regression,
            _ => null,
        };
        if (text is null && created)
        {
            problems.Add("taskType", "is required for a new model: binary, multiclass or regression.");
        }
        else if (text is not null && taskType is null)
        {
            problems.Add("taskType", $"'{text}' is not a task type: use binary, multiclass or regression.");
        }

        return taskType;
    }

    private static List<(string Name, string? Description)> ReadVersions(ModelPutRequest.VersionSpec?[]? versions, ValidationProblems problems)
    {
        if (versions is null)
        {
            return [];
        }

        if (versions.Length > InputLimits.MaxVersionsPerPut)
        {
            problems.Add("versions", $"has {versions.Length} versions; at most {InputLimits.MaxVersionsPerPut} are accepted per request.");
            return [];
        }

        var read = new List<(string, string?)>();
        for (var i = 0; i < versions.Length; i++)
        {
            var field = $"versions[{i}]";
            if (versions[i] is not { } v)
            {
                problems.Add(field, "must be a version string or {\"version\": ..., \"description\": ...}.");
            }
            else if (problems.Required(v.Version, $"{field}.version") is { } name)
            {
                problems.Limited(name, field, ModelVersion.VersionMaxLength);
                read.Add((name, problems.Limited(v.Description, $"{field}.description", 2000)));
            }
        }

        return read;
    }

    private static void ApplyVersions(List<(string Name, string? Description)> versions, MlModel entity)
    {
        var known = entity.Versions.ToDictionary(v => v.Version, StringComparer.Ordinal);
        foreach (var (name, description) in versions)
        {
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

    /// <summary>The features by name (a dictionary, so the update is linear in their number); null when not given.</summary>
    private static Dictionary<string, ModelFeature>? ReadFeatures(ModelPutRequest.FeatureSpec?[]? features, ValidationProblems problems)
    {
        if (features is null)
        {
            return null;
        }

        if (features.Length > InputLimits.MaxModelFeatures)
        {
            problems.Add("features", $"has {features.Length} features; a model has at most {InputLimits.MaxModelFeatures}.");
            return null;
        }

        var parsed = new Dictionary<string, ModelFeature>(StringComparer.Ordinal);
        for (var i = 0; i < features.Length; i++)
        {
            if (ReadFeature(features[i], $"features[{i}]", i, problems) is { } feature && !parsed.TryAdd(feature.Name, feature))
            {
                problems.Add("features", $"feature '{feature.Name}' is listed twice.");
            }
        }

        return parsed;
    }

    private static ModelFeature? ReadFeature(ModelPutRequest.FeatureSpec? f, string field, int ordinal, ValidationProblems problems)
    {
        if (f is null)
        {
            problems.Add(field, "must be an object {\"name\", \"type\", ...}.");
            return null;
        }

        var before = problems.Paths.Count();
        var name = problems.Required(f.Name, $"{field}.name");
        problems.Limited(name, $"{field}.name", ModelFeature.NameMaxLength);
        if (name is { Length: 0 })
        {
            problems.Add($"{field}.name", "must not be empty.");
        }

        FeatureType? type = f.Type?.ToLowerInvariant() switch
        {
            "numerical" or "numeric" or "num" => FeatureType.Numerical,
            "categorical" or "cat" => FeatureType.Categorical,
            _ => null,
        };
        if (type is null)
        {
            problems.Add($"{field}.type", f.Type is null ? "is required: numerical or categorical." : $"'{f.Type}' is not a feature type: use numerical or categorical.");
        }

        double? min = f.Min is { } m ? problems.Finite(m, $"{field}.min") : null;
        double? max = f.Max is { } x ? problems.Finite(x, $"{field}.max") : null;
        double? importance = f.Importance is { } imp ? problems.Finite(imp, $"{field}.importance") : null;
        if (min > max)
        {
            problems.Add($"{field}.min", "must not be greater than max.");
        }

        var categories = new List<string>();
        if (f.Categories is { Length: > InputLimits.MaxFeatureCategories })
        {
            problems.Add($"{field}.categories", $"has {f.Categories.Length} categories; at most {InputLimits.MaxFeatureCategories} are accepted.");
        }
        else if (f.Categories is not null)
        {
            categories = problems.Strings(f.Categories, $"{field}.categories")
                .Select(c => problems.Limited(c, $"{field}.categories", ItemFields.MaxCategoryLength)!).Where(c => c is not null).Distinct().ToList();
        }

        if (type == FeatureType.Numerical && categories.Count > 0)
        {
            problems.Add($"{field}.categories", "only a categorical feature has categories.");
        }

        if (type == FeatureType.Categorical && (min is not null || max is not null))
        {
            problems.Add($"{field}.min", "only a numerical feature has a range.");
        }

        return problems.Paths.Count() > before || name is null || type is null ? null
            : new ModelFeature { Name = name, Type = type.Value, Min = min, Max = max, Categories = categories, Importance = importance, Ordinal = ordinal };
    }

    private static void ApplyFeatures(Dictionary<string, ModelFeature>? parsed, MlModel entity)
    {
        if (parsed is null)
        {
            return;
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

    public static ModelDto ToDto(MlModel m) => new(
        m.Name, m.TaskType.ToString().ToLowerInvariant(), m.Description, m.Owner, m.LowConfidenceThreshold, m.CreatedAt, m.UpdatedAt,
        m.Versions.OrderBy(v => v.CreatedAt).Select(v => new VersionDto(v.Version, v.Description, v.CreatedAt)).ToList(),
        m.Features.OrderBy(f => f.Ordinal)
            .Select(f => new FeatureDto(f.Name, f.Type.ToString().ToLowerInvariant(), f.Min, f.Max, f.Type == FeatureType.Categorical ? f.Categories : null, f.Importance))
            .ToList());
}
