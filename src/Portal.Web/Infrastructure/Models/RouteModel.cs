using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Web.Infrastructure.Models;

/// <summary>
/// The model of a <c>/models/{model}/…</c> route, resolved and authorized by <see cref="ModelRouteFilter"/> before the
/// handler runs. A handler takes it as a parameter; the group (or endpoint) adds the filter with <c>.WithModel()</c>.
/// </summary>
public sealed class RouteModel(HttpContext context)
{
    private static readonly object ItemKey = new();

    /// <summary>The model with its features (no tracking).</summary>
    public MlModel Entity => context.Items[ItemKey] as MlModel
        ?? throw new InvalidOperationException($"{context.Request.Path}: the endpoint takes a RouteModel but has no ModelRouteFilter (add .WithModel()).");

    public string Name => Entity.Name;

    public int Id => Entity.Id;

    /// <summary>Bound before filters run, so it only keeps the request; <see cref="Entity"/> is read in the handler.</summary>
    public static ValueTask<RouteModel?> BindAsync(HttpContext context) => ValueTask.FromResult<RouteModel?>(new RouteModel(context));

    internal static void Set(HttpContext context, MlModel model) => context.Items[ItemKey] = model;
}

/// <summary>
/// Finds the route's <c>{model}</c> for the caller and answers as the API always has: 403 for an API key scoped to
/// another model, 404 for an unknown model (<see cref="ModelLookup"/>). Otherwise the handler gets it as
/// <see cref="RouteModel"/>. Endpoint filters run after binding, so a bad body or query still answers 400 first.
/// </summary>
public sealed class ModelRouteFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var name = http.GetRouteValue("model") as string
            ?? throw new InvalidOperationException($"{http.Request.Path}: ModelRouteFilter needs a {{model}} route value.");
        var db = http.RequestServices.GetRequiredService<PortalDbContext>();
        var (model, problem) = await ModelLookup.FindAsync(db, http.User, name, http.RequestAborted);
        if (model is null)
        {
            return problem;
        }

        RouteModel.Set(http, model);
        return await next(context);
    }
}

public static class ModelRouteFilterExtensions
{
    /// <summary>Resolves and authorizes <c>{model}</c> before the handler (<see cref="ModelRouteFilter"/>), documenting its 403 and 404.</summary>
    public static TBuilder WithModel<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, ModelRouteFilter>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
}
