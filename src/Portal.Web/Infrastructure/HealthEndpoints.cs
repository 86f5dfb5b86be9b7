namespace Portal.Web.Infrastructure;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz").AllowAnonymous();
        endpoints.MapHealthChecks("/readyz").AllowAnonymous();
        return endpoints;
    }
}
