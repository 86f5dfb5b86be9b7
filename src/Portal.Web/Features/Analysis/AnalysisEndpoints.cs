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

        // The bodies are read by JsonInput (labels as numbers or strings, every problem named by JSON path);
        // DocumentsBody gives the document their typed shape.
        group.MapPost("/drift", (JsonElement body) => Drift(DriftRequestReader.FromJson(body))).DocumentsBody<DriftAnalysisRequest>("application/json");
        group.MapPost("/drift/csv", DriftCsv).DisableAntiforgery().DocumentsBody<DriftCsvForm>("multipart/form-data");
        group.MapPost("/classification", Classification).DocumentsBody<ClassificationRequest>("application/json");
        group.MapPost("/regression", Regression).DocumentsBody<RegressionRequest>("application/json");
        group.MapPost("/experiment", Experiment).DocumentsBody<ExperimentAnalysisRequest>("application/json");
        return endpoints;
    }

    private static Ok<DriftReport> Drift(DriftRequestReader.DriftRequest request) =>
        TypedResults.Ok(DriftAnalyzer.Analyze(request.Columns, request.Options));

    private static async Task<Ok<DriftReport>> DriftCsv(HttpRequest request, CancellationToken cancellationToken)
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
            try
            {
                using var document = JsonDocument.Parse(optionsText.ToString());
                if (JsonText.FindBad(document.RootElement) is { } bad)
                {
                    throw new AnalysisInputException(bad.Path == "$" ? "options" : $"options.{bad.Path}", bad.Reason);
                }

                options = DriftRequestReader.ReadOptions(JsonInput.RequireBody(document.RootElement, "options"));
            }
            catch (JsonException e)
            {
                throw new AnalysisInputException("options", $"is not valid JSON: {e.Message}");
            }
        }

        return Drift(DriftRequestReader.FromCsv(reference, current, options));
    }

    private static Stream OpenFile(IFormCollection form, string name) =>
        form.Files.GetFile(name)?.OpenReadStream() ?? throw new AnalysisInputException(name, "file is required (multipart field name '" + name + "').");

    private static Results<Ok<BinaryClassificationResult>, Ok<MulticlassClassificationResult>> Classification(JsonElement body)
    {
        var yTrue = Labels(body, "yTrue");
        var yPred = Labels(body, "yPred");
        if (yPred.Length != yTrue.Length)
        {
            throw new AnalysisInputException("yPred", $"has {yPred.Length} values; yTrue has {yTrue.Length}.");
        }

        double[]? yScore = null;
        if (body.TryGetProperty("yScore", out var scores) && scores.ValueKind != JsonValueKind.Null)
        {
            yScore = JsonInput.Numbers(JsonInput.CheckArray(scores, "yScore"), "yScore");
            if (yScore.Length != yTrue.Length)
            {
                throw new AnalysisInputException("yScore", $"has {yScore.Length} values; yTrue has {yTrue.Length}.");
            }
        }

        if (ClassificationMetrics.IsBinary(yTrue, yPred))
        {
            return TypedResults.Ok(ClassificationMetrics.Binary(yTrue, yPred, yScore));
        }

        return TypedResults.Ok(ClassificationMetrics.Multiclass(yTrue, yPred));
    }

    private static string[] Labels(JsonElement body, string field) =>
        JsonInput.Strings(JsonInput.RequireArray(body, field), field).Select(s => s!).ToArray();

    private static Ok<RegressionResult> Regression(JsonElement body)
    {
        var yTrue = JsonInput.Numbers(JsonInput.RequireArray(body, "yTrue"), "yTrue");
        var yPred = JsonInput.Numbers(JsonInput.RequireArray(body, "yPred"), "yPred");
        if (yPred.Length != yTrue.Length)
        {
            throw new AnalysisInputException("yPred", $"has {yPred.Length} values; yTrue has {yTrue.Length}.");
        }

        return TypedResults.Ok(RegressionMetrics.Compute(yTrue, yPred));
    }

    private static Results<Ok<WelchResult>, Ok<ProportionsResult>, Ok<SrmResult>, Ok<SampleSizeResult>, Ok<AlphaSpentResult>> Experiment(JsonElement body)
    {
        JsonInput.RequireBody(body);
        var kind = JsonInput.OptionalString(body, "kind") ?? throw new AnalysisInputException("kind", "is required: welch, proportions, srm, sampleSize or obrienFleming.");
        var alpha = JsonInput.Number(body, "alpha", 0.05);
        return kind switch
        {
            "welch" => TypedResults.Ok(ExperimentStatistics.Welch(
                JsonInput.Numbers(JsonInput.RequireArray(body, "control"), "control"),
                JsonInput.Numbers(JsonInput.RequireArray(body, "treatment"), "treatment"),
                alpha)),
            "proportions" => TypedResults.Ok(ExperimentStatistics.TwoProportions(ReadProportion(body, "control"), ReadProportion(body, "treatment"), alpha)),
            "srm" => TypedResults.Ok(ExperimentStatistics.SampleRatioMismatch(
                WholeNumbers(JsonInput.RequireArray(body, "observed"), "observed"),
                JsonInput.Numbers(JsonInput.RequireArray(body, "split"), "split"))),
            "sampleSize" => TypedResults.Ok(new SampleSizeResult(ExperimentStatistics.SampleSizePerVariant(
                JsonInput.Number(body, "baselineRate"), JsonInput.Number(body, "relativeMde"), JsonInput.Number(body, "power", 0.8), alpha))),
            "obrienFleming" => TypedResults.Ok(new AlphaSpentResult(ExperimentStatistics.ObrienFlemingAlphaSpent(JsonInput.Number(body, "informationFraction"), alpha))),
            _ => throw new AnalysisInputException("kind", $"'{kind}' is not an experiment analysis; use welch, proportions, srm, sampleSize or obrienFleming."),
        };
    }

    private static Proportion ReadProportion(JsonElement body, string field)
    {
        var arm = JsonInput.RequireObject(body, field);
        try
        {
            return new Proportion(JsonInput.WholeNumber(arm, "successes"), JsonInput.WholeNumber(arm, "trials"));
        }
        catch (AnalysisInputException e)
        {
            throw new AnalysisInputException($"{field}.{e.Field}", e.Reason);
        }
    }

    private static long[] WholeNumbers(JsonElement array, string field)
    {
        var numbers = JsonInput.Numbers(array, field);
        var counts = new long[numbers.Length];
        for (var i = 0; i < numbers.Length; i++)
        {
            // Numbers() already refused magnitudes beyond InputLimits.MaxMagnitude (< 2^53), so the cast is exact.
            counts[i] = numbers[i] >= 0 && numbers[i] == Math.Floor(numbers[i])
                ? (long)numbers[i]
                : throw new AnalysisInputException($"{field}[{i}]", "must be a non-negative whole number.");
        }

        return counts;
    }

    public sealed record SampleSizeResult(long PerVariant);

    public sealed record AlphaSpentResult(double AlphaSpent);
}
