using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Admin.Audit;

public static class AuditEndpoints
{
    /// <summary><c>GET /api/v1/audit?actor=&amp;entityType=&amp;action=&amp;from=&amp;to=&amp;skip=&amp;take=</c>, newest first (Engineer or higher).</summary>
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/audit", async (AuditQuery query, string? actor, string? entityType, string? action,
                DateTime? from, DateTime? to, int? skip, int? take, CancellationToken cancellationToken) =>
            {
                var page = await query.SearchAsync(new AuditFilter(actor, entityType, action, from, to), skip ?? 0, take ?? 100, cancellationToken);
                return TypedResults.Ok(new { total = page.Total, items = page.Items });
            })
            .RequireEngineer()
            .WithTags("Audit");
        return endpoints;
    }
}
