using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Portal.Analysis.Common;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Infrastructure;

/// <summary>
/// Turns bad input into RFC 7807 problem+json that says what was wrong and where, in one place for every endpoint:
/// <see cref="ProblemException"/> (and <see cref="InputValidationException"/>, which carries every error by JSON path)
/// keeps its status, title and errors; <see cref="AnalysisInputException"/> names the field; unreadable bodies keep their status (400, 413, 415), and a
/// body that does not bind (wrong JSON type, unknown enum value, bad text) names the JSON path the serializer reports.
/// Every endpoint comes here: <c>RouteHandlerOptions.ThrowOnBadRequest</c> is on, so binding failures are thrown, not
/// answered with a bare 400.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail, errors) = exception switch
        {
            ProblemException e => (e.Status, e.Title, e.Detail, e.Errors),
            AnalysisInputException e => (400, "Invalid input", $"{e.Field}: {e.Reason}",
                new Dictionary<string, string[]> { [e.Field] = [e.Reason] }),
            BadHttpRequestException { InnerException: JsonException json } e => (e.StatusCode, "Invalid input", $"{Field(json)}: {Reason(json)}",
                new Dictionary<string, string[]> { [Field(json)] = [Reason(json)] }),
            BadHttpRequestException e => (e.StatusCode, e.StatusCode switch
            {
                413 => "Request body too large",
                415 => "Unsupported media type",
                _ => "Unreadable request body",
            }, e.Message, e.StatusCode == 400 ? new Dictionary<string, string[]> { ["$"] = [e.Message] } : null),
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

        foreach (var (key, value) in (exception as ProblemException)?.Extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>The serializer's JSON path in the API's field style: <c>$.rule.severity</c> → <c>rule.severity</c>.</summary>
    private static string Field(JsonException json) => json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal)
        ? path[2..]
        : json.Path ?? "$";

    /// <summary>The message without the serializer's " Path: … | LineNumber: …" tail and without .NET type names.</summary>
    private static string Reason(JsonException json)
    {
        var message = json.Message;
        var tail = message.IndexOf(" Path: ", StringComparison.Ordinal);
        message = tail < 0 ? message : message[..tail];
        if (message.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal))
        {
            // At "$" the body itself did not bind: every typed body is an object, so say that.
            message = json.Path == "$" ? "The body must be a JSON object." : "has the wrong JSON type or an unknown value.";
        }

        return json.LineNumber is { } line ? $"{message} (line {line + 1}, byte {json.BytePositionInLine})" : message;
    }
}
