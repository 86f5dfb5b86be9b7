using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Portal.Analysis.Common;

namespace Portal.Web.Infrastructure;

/// <summary>
/// Turns bad input into RFC 7807 problem+json that says what was wrong and where:
/// <see cref="AnalysisInputException"/> names the field; unreadable bodies keep their status (400, 413).
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail, errors) = exception switch
        {
            AnalysisInputException e => (400, "Invalid input", $"{e.Field}: {e.Reason}",
                new Dictionary<string, string[]> { [e.Field] = [e.Reason] }),
            BadHttpRequestException e => (e.StatusCode, e.StatusCode == 413 ? "Request body too large" : "Unreadable request body",
                Describe(e), null),
            _ => (500, "Internal error", "The server failed to process the request; the error is logged.", null),
        };

        if (status == 500)
        {
            logger.LogError(exception, "Unhandled error on {Path}", context.Request.Path);
        }

        context.Response.StatusCode = status;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail };
        if (errors is not null)
        {
            problem.Extensions["errors"] = errors;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static string Describe(BadHttpRequestException e) => e.InnerException is JsonException json
        ? $"The body is not valid JSON at {json.Path ?? "$"} (line {json.LineNumber + 1}): {json.Message}"
        : e.Message;
}
