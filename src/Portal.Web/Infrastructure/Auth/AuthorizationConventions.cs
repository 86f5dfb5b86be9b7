namespace Portal.Web.Infrastructure.Auth;

/// <summary>Endpoint conventions: <c>group.RequireEngineer()</c> and so on, one per policy in <see cref="Policies"/>.</summary>
public static class AuthorizationConventions
{
    public static TBuilder RequireViewer<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Policies.Viewer);

    public static TBuilder RequireEngineer<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Policies.Engineer);

    public static TBuilder RequireProductOwner<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Policies.ProductOwner);

    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Policies.Admin);

    /// <summary>An API key scoped to the route's <c>{model}</c>, an admin key, or a signed-in Engineer or higher (<see cref="ModelAccess"/>).</summary>
    public static TBuilder RequireModelWriter<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Policies.ModelWriter);
}
