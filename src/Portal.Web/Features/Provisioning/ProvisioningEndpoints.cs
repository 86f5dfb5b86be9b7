using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Provisioning;

/// <summary>
/// <c>/api/v1/provisioning</c> (admins): the outcome of every provisioning file with the file, line and field of each
/// error, and the whole configuration exported in the provisioning format.
/// </summary>
public static class ProvisioningEndpoints
{
    public const string ExportFileName = "portal-provisioning.yaml";

    public static IEndpointRouteBuilder MapProvisioningEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/provisioning").RequireAdmin().WithTags("Provisioning");
        group.MapGet("/status", (ProvisioningService provisioning) => TypedResults.Ok(provisioning.Status()));
        group.MapGet("/export", ExportAsync).Produces(StatusCodes.Status200OK, contentType: "application/yaml");
        return endpoints;
    }

    private static async Task<FileContentHttpResult> ExportAsync(ProvisioningExporter exporter, CancellationToken cancellationToken) =>
        TypedResults.File(Encoding.UTF8.GetBytes(await exporter.ExportAsync(cancellationToken)), "application/yaml", ExportFileName);
}
