using Portal.Analysis.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Data;
using Portal.Data.Entities.Jobs;
using Portal.Web.Infrastructure.Models;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Fairness;

/// <summary>
/// <c>/api/v1/models/{model}/fairness</c>: the latest fairness results of a window (<c>?window=1h|1d|7d</c>, optional
/// <c>&amp;attribute=</c>, <c>&amp;history=true</c> for the disparity ratios of earlier runs), the settings and "run now". Reading needs any signed-in user or an API key of the model
/// (or admin); changing needs an Engineer or an admin key.
/// </summary>
public static class FairnessEndpoints
{
    public static IEndpointRouteBuilder MapFairnessEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/models/{model}/fairness").RequireAuthorization().WithTags("Fairness").WithModel();
        group.MapGet("", GetAsync);
        group.MapGet("/settings", GetSettingsAsync);
        group.MapPut("/settings", PutSettingsAsync).RequireEngineer();
        group.MapPost("/run", RunNowAsync).RequireEngineer();
        return endpoints;
    }

    private static async Task<Ok<FairnessAnswer>> GetAsync(string model, string? window, string? attribute, bool? history, RouteModel route, FairnessResults results, CancellationToken cancellationToken)
    {
        window ??= "1d";
        if (!JobWindows.TryParse(window, out var jobWindow))
        {
            throw new AnalysisInputException("window", $"'{window}' is not a fairness window: use 1h, 1d or 7d.");
        }

        var answer = await results.LoadAsync(route.Entity, jobWindow, attribute, history == true, cancellationToken);
        if (attribute is not null && !answer.SensitiveAttributes.Contains(attribute))
        {
            throw new AnalysisInputException("attribute", $"'{attribute}' is not a sensitive attribute of model '{model}' (configured: {string.Join(", ", answer.SensitiveAttributes.DefaultIfEmpty("none"))}).");
        }

        return TypedResults.Ok(answer);
    }

    private static async Task<Ok<FairnessSettingsView>> GetSettingsAsync(RouteModel route, FairnessSettingsService settings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await settings.GetAsync(route.Id, cancellationToken));

    private static async Task<Ok<FairnessSettingsView>> PutSettingsAsync(FairnessSettingsRequest? body, RouteModel route, FairnessSettingsService settings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await settings.SaveAsync(route.Entity, RequestValues.RequireBody(body).ToView(), cancellationToken));

    private static Accepted<JobAccepted> RunNowAsync(string model, RouteModel route, FairnessSettingsService settings) =>
        TypedResults.Accepted($"/api/v1/models/{model}/fairness", new JobAccepted(model, settings.RunNow(route.Id)));
}
