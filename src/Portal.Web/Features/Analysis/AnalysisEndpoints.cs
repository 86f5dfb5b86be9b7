using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portal.Analysis.Common;
using Portal.Analysis.Drift;
using Portal.Analysis.Experiments;
using Portal.Analysis.Performance;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.OpenApi;
using Portal.Web.Infrastructure.Validation;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Portal.Web.Features.Analysis;

/// <summary>The stateless analysis API of API.md: any API key or signed-in user may call it.</summary>
public static class AnalysisEndpoints
{
    public static IEndpointRouteBuilder MapAnalysisEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var limits = endpoints.ServiceProvider.GetRequiredService<IOptions<PortalLimits>>().Value;
        var group = endpoints.MapGroup("/api/v1/analysis")
            .RequireAuthorization()
            .WithMetadata(new RequestSizeLimitAttribute(limits.AnalysisMaxBodyBytes))
            .WithTags("Analysis");

        // Typed bodies (AnalysisRequests.cs): what does not bind is a 400 naming its path; the rest is checked with
        // ValidationProblems, every error at once. A JSON null body is refused like any non-object.
        group.MapPost("/drift", (DriftAnalysisRequest? body) => Drift(DriftRequestReader.FromJson(RequestValues.RequireBody(body))));
        group.MapPost("/drift/csv", DriftCsv).DisableAntiforgery().DocumentsBody<DriftCsvForm>("multipart/form-data");
        group.MapPost("/classification", Classification);
        group.MapPost("/regression", Regression);
        group.MapPost("/experiment", Experiment);
        return endpoints;
    }

    private static Ok<DriftReport> Drift(DriftRequestReader.DriftRequest request) =>
        TypedResults.Ok(DriftAnalyzer.Analyze(request.Columns, request.Options));

    private static async Task<Ok<DriftReport>> DriftCsv(HttpRequest request, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            throw new AnalysisInputException("$", "Send multipart/form-data with the files 'reference' and 'current' (and optionally an 'options' JSON field).");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or (IOException and not BadHttpRequestException))
        {
            // No boundary, a broken part, or more than the form's limits (1,024 fields, 16 KB headers per part).
            // BadHttpRequestException (an IOException too) keeps its own status, e.g. 413 for a body over the limit.
            throw new AnalysisInputException("$", $"is not a readable multipart/form-data body: {e.Message}");
        }

        var reference = await CsvTable.ReadAsync(OpenFile(form, "reference"), "reference", cancellationToken);
        var current = await CsvTable.ReadAsync(OpenFile(form, "current"), "current", cancellationToken);
        var options = DriftRequestReader.RequestOptions.Default;
        if (form.TryGetValue("options", out var optionsText) && !string.IsNullOrWhiteSpace(optionsText))
        {
            var problems = new ValidationProblems();
            try
            {
                using var document = JsonDocument.Parse(optionsText.ToString());
                if (JsonText.FindBad(document.RootElement) is { } bad)
                {
                    throw new AnalysisInputException(bad.Path == "$" ? "options" : $"options.{bad.Path}", bad.Reason);
                }

                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new AnalysisInputException("options", "must be a JSON object.");
                }

                if (problems.Bind<DriftOptionsRequest>(document.RootElement, "options", json.Value.SerializerOptions) is { } bound)
                {
                    options = DriftRequestReader.ReadOptions(bound, problems);
                }
            }
            catch (JsonException e)
            {
                throw new AnalysisInputException("options", $"is not valid JSON: {e.Message}");
            }

            problems.ThrowIfAny();
        }

        return Drift(DriftRequestReader.FromCsv(reference, current, options));
    }

    private static Stream OpenFile(IFormCollection form, string name) =>
        form.Files.GetFile(name)?.OpenReadStream() ?? throw new AnalysisInputException(name, "file is required (multipart field name '" + name + "').");

    private static Results<Ok<BinaryClassificationResult>, Ok<MulticlassClassificationResult>> Classification(ClassificationRequest? body)
    {
        var request = RequestValues.RequireBody(body);
        var problems = new ValidationProblems();
        var yTrue = Labels(problems, request.YTrue, "yTrue");
        var yPred = Labels(problems, request.YPred, "yPred");
        var yScore = request.YScore is null ? null : problems.Numbers(problems.RequiredArray(request.YScore, "yScore")!, "yScore");
        SameLength(problems, yTrue, yPred, "yPred");
        SameLength(problems, yTrue, yScore, "yScore");
        problems.ThrowIfAny();

        return ClassificationMetrics.IsBinary(yTrue!, yPred!)
            ? TypedResults.Ok(ClassificationMetrics.Binary(yTrue!, yPred!, yScore))
            : TypedResults.Ok(ClassificationMetrics.Multiclass(yTrue!, yPred!));
    }

    private static string[]? Labels(ValidationProblems problems, JsonScalar[]? values, string field) =>
        problems.RequiredArray(values, field) is { Count: > 0 } present ? problems.Strings(present, field).Select(s => s!).ToArray() : null;

    /// <summary>An array that must be as long as yTrue (when both are there).</summary>
    private static void SameLength<T, TOther>(ValidationProblems problems, T[]? yTrue, TOther[]? other, string field)
    {
        if (yTrue is not null && other is not null && other.Length != yTrue.Length)
        {
            problems.Add(field, $"has {other.Length} values; yTrue has {yTrue.Length}.");
        }
    }

    private static Ok<RegressionResult> Regression(RegressionRequest? body)
    {
        var request = RequestValues.RequireBody(body);
        var problems = new ValidationProblems();
        var yTrue = problems.RequiredArray(request.YTrue, "yTrue") is { Count: > 0 } t ? problems.Numbers(t, "yTrue") : null;
        var yPred = problems.RequiredArray(request.YPred, "yPred") is { Count: > 0 } p ? problems.Numbers(p, "yPred") : null;
        SameLength(problems, yTrue, yPred, "yPred");
        problems.ThrowIfAny();
        return TypedResults.Ok(RegressionMetrics.Compute(yTrue!, yPred!));
    }

    private static Results<Ok<WelchResult>, Ok<ProportionsResult>, Ok<SrmResult>, Ok<SampleSizeResult>, Ok<AlphaSpentResult>> Experiment(
        ExperimentAnalysisRequest? body, IOptions<JsonOptions> json)
    {
        var request = RequestValues.RequireBody(body);
        var options = json.Value.SerializerOptions;
        var problems = new ValidationProblems();
        var kind = problems.Required(request.Kind, "kind", "welch, proportions, srm, sampleSize or obrienFleming.");
        var alpha = problems.Number(request.Alpha, "alpha", 0.05);
        switch (kind)
        {
            case "welch":
                var control = Values(problems, problems.Bind<JsonScalar[]>(request.Control, "control", options), "control");
                var treatment = Values(problems, problems.Bind<JsonScalar[]>(request.Treatment, "treatment", options), "treatment");
                problems.ThrowIfAny();
                return TypedResults.Ok(ExperimentStatistics.Welch(control, treatment, alpha));
            case "proportions":
                var controlArm = Arm(problems, problems.Bind<ProportionArm>(request.Control, "control", options), "control");
                var treatmentArm = Arm(problems, problems.Bind<ProportionArm>(request.Treatment, "treatment", options), "treatment");
                problems.ThrowIfAny();
                return TypedResults.Ok(ExperimentStatistics.TwoProportions(controlArm, treatmentArm, alpha));
            case "srm":
                var observed = WholeNumbers(problems, problems.RequiredArray(request.Observed, "observed"), "observed");
                var split = problems.RequiredArray(request.Split, "split") is { Count: > 0 } s ? problems.Numbers(s, "split") : [];
                problems.ThrowIfAny();
                return TypedResults.Ok(ExperimentStatistics.SampleRatioMismatch(observed, split));
            case "sampleSize":
                var baselineRate = problems.Number(request.BaselineRate, "baselineRate");
                var relativeMde = problems.Number(request.RelativeMde, "relativeMde");
                var power = problems.Number(request.Power, "power", 0.8);
                problems.ThrowIfAny();
                return TypedResults.Ok(new SampleSizeResult(ExperimentStatistics.SampleSizePerVariant(baselineRate, relativeMde, power, alpha)));
            case "obrienFleming":
                var fraction = problems.Number(request.InformationFraction, "informationFraction");
                problems.ThrowIfAny();
                return TypedResults.Ok(new AlphaSpentResult(ExperimentStatistics.ObrienFlemingAlphaSpent(fraction, alpha)));
            case null:
                problems.ThrowIfAny();
                throw new InvalidOperationException("unreachable: a missing kind is an error above.");
            default:
                problems.Add("kind", $"'{kind}' is not an experiment analysis; use welch, proportions, srm, sampleSize or obrienFleming.");
                problems.ThrowIfAny();
                throw new InvalidOperationException("unreachable: an unknown kind is an error above.");
        }
    }

    private static double[] Values(ValidationProblems problems, JsonScalar[]? values, string field) =>
        values is null ? [] : problems.RequiredArray(values, field) is { Count: > 0 } present ? problems.Numbers(present, field) : [];

    private static Proportion Arm(ValidationProblems problems, ProportionArm? arm, string field) =>
        new(problems.WholeNumber(arm?.Successes, $"{field}.successes", arm is null ? 0 : null), problems.WholeNumber(arm?.Trials, $"{field}.trials", arm is null ? 0 : null));

    /// <summary>Counts: numbers (so 1.5 is named, not a binding error) that must be non-negative whole numbers.</summary>
    private static long[] WholeNumbers(ValidationProblems problems, IReadOnlyList<double>? values, string field)
    {
        if (values is not { Count: > 0 })
        {
            return [];
        }

        var numbers = problems.Numbers(values, field);
        var counts = new long[numbers.Length];
        for (var i = 0; i < numbers.Length; i++)
        {
            // Numbers() refused magnitudes beyond InputLimits.MaxMagnitude (< 2^53) as NaN, so the cast is exact.
            if (double.IsNaN(numbers[i]))
            {
                continue;
            }

            if (numbers[i] >= 0 && numbers[i] == Math.Floor(numbers[i]))
            {
                counts[i] = (long)numbers[i];
            }
            else
            {
                problems.Add($"{field}[{i}]", "must be a non-negative whole number.");
            }
        }

        return counts;
    }

    public sealed record SampleSizeResult(long PerVariant);

    public sealed record AlphaSpentResult(double AlphaSpent);
}
