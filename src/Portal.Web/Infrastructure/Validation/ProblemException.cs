namespace Portal.Web.Infrastructure.Validation;

/// <summary>
/// A refusal that is answered as problem+json with its status, title and detail, and, when it concerns fields, every
/// error by JSON path (<c>errors: {"arms[1].share": ["…"]}</c>). <see cref="ProblemExceptionHandler"/> writes it, so
/// services and validators throw and endpoints need no try/catch.
/// </summary>
public class ProblemException(
    int status, string title, string detail, IReadOnlyDictionary<string, string[]>? errors = null, IReadOnlyDictionary<string, object?>? extensions = null)
    : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    /// <summary>The problem's <c>detail</c>: the exception's message unless a subclass words it for clients.</summary>
    public virtual string Detail => Message;

    /// <summary>Messages by JSON path; null when the refusal is not about fields (404, 413 …).</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; } = errors;

    /// <summary>Extra members of the problem object (e.g. <c>field</c> of a 409).</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; } = extensions;
}

/// <summary>Invalid input: 400 with every error by JSON path.</summary>
public class InputValidationException(IReadOnlyDictionary<string, string[]> errors, string? title = null, string? detail = null)
    : ProblemException(
        StatusCodes.Status400BadRequest,
        title ?? DefaultTitle,
        detail ?? string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
        errors)
{
    /// <summary>The title <see cref="Portal.Analysis.Common.AnalysisInputException"/> has always had.</summary>
    public const string DefaultTitle = "Invalid input";

    /// <summary>The title ASP.NET's ValidationProblem gives (reference uploads and API keys have always used it).</summary>
    public const string AspNetTitle = "One or more validation errors occurred.";

    public new IReadOnlyDictionary<string, string[]> Errors => base.Errors!;
}
