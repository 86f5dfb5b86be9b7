using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Portal.Data.Entities;
using Portal.Web.Infrastructure.Validation;
using Portal.Web.Infrastructure.Models;

namespace Portal.Web.Features.Ingestion;

/// <summary>
/// Checks one prediction item of API.md and turns it into a <see cref="PredictionRecord"/>, or lists what is wrong.
/// Unknown features are not errors: they are stored and counted as schema violations. Confidence of the predicted
/// class: the largest probability when probabilities are sent; else, for a binary model, max(score, 1 − score);
/// else the score.
/// </summary>
public static class PredictionValidator
{
    public const int MaxFeatures = Infrastructure.InputLimits.MaxModelFeatures;
    public const int MaxInferredFeatures = 100;

    public static PredictionRecord? Validate(JsonElement item, ModelInfo model, long nowMs, ValidationProblems problems)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add("item", $"must be a JSON object, not {ItemFields.Describe(item)}.");
            return null;
        }

        var f = new ItemFields(item, problems);
        var predictionId = f.String("predictionId", PredictionEvent.PredictionIdMaxLength, required: true);
        var timestamp = f.Timestamp("timestamp", nowMs);
        var version = f.String("modelVersion", ModelVersion.VersionMaxLength);
        var segment = f.String("segment", PredictionEvent.ShortTextMaxLength);
        var error = f.String("error", PredictionEvent.ErrorMaxLength);
        var (experimentId, variant, experimentUnit) = Experiment(f);
        var score = f.Number("score", 0, 1);
        var latency = f.Number("latencyMs", min: 0, max: Infrastructure.InputLimits.MaxLatencyMs);
        var (probabilities, maxProbability) = Probabilities(f);

        string? prediction = null;
        double? predictionValue = null;
        if (f.TryGet("prediction", out var predicted))
        {
            if (model.TaskType == ModelTaskType.Regression)
            {
                predictionValue = f.ReadNumber(predicted, "prediction");
            }
            else
            {
                prediction = f.Label(predicted, "prediction", out predictionValue);
            }
        }
        else if (error is null)
        {
            f.Error("prediction", "is required (or set \"error\" to record a failed inference).");
        }

        var features = Features(f, model);
        if (!problems.IsEmpty || predictionId is null)
        {
            return null;
        }

        double? confidence = model.TaskType == ModelTaskType.Regression ? null
            : maxProbability ?? (score is { } s ? model.TaskType == ModelTaskType.Binary ? Math.Max(s, 1 - s) : s : null);
        return new PredictionRecord
        {
            PredictionId = predictionId,
            TimestampMs = timestamp,
            ModelVersion = version,
            Segment = segment,
            ExperimentId = experimentId,
            Variant = variant,
            ExperimentUnit = experimentUnit,
            Prediction = prediction,
            PredictionValue = predictionValue,
            Score = score,
            Probabilities = probabilities,
            Confidence = confidence,
            LatencyMs = latency,
            Error = error,
            Features = features.Raw,
            SchemaViolations = features.Unknown,
            Numbers = features.Numbers,
            Categories = features.Categories,
            Inferred = features.Inferred,
        };
    }

    private static (string? Id, string? Variant, string? Unit) Experiment(ItemFields f)
    {
        if (!f.TryGet("experiment", out var experiment))
        {
            return (null, null, null);
        }

        if (experiment.ValueKind != JsonValueKind.Object)
        {
            f.Error("experiment", "must be an object {\"id\": ..., \"variant\": ..., \"unit\": ...}.");
            return (null, null, null);
        }

        var e = new ItemFields(experiment, f.Problems, "experiment.");
        var id = e.String("id", PredictionEvent.ShortTextMaxLength, required: true);
        var variant = e.String("variant", PredictionEvent.ShortTextMaxLength, required: true);

        // The randomisation unit (user, session, …): metrics are aggregated per unit, as it was randomised.
        var unit = e.String("unit", PredictionEvent.PredictionIdMaxLength);

        return (id, variant, unit);
    }

    private static (string? Json, double? Max) Probabilities(ItemFields f)
    {
        if (!f.TryGet("probabilities", out var probabilities))
        {
            return (null, null);
        }

        if (probabilities.ValueKind != JsonValueKind.Object)
        {
            f.Error("probabilities", "must be an object of class → probability.");
            return (null, null);
        }

        double? max = null;
        foreach (var p in probabilities.EnumerateObject())
        {
            var field = $"probabilities.{p.Name}";
            if (f.ReadNumber(p.Value, field) is { } value)
            {
                if (value is < 0 or > 1)
                {
                    f.Error(field, $"{value.ToString(CultureInfo.InvariantCulture)} is outside [0, 1].");
                }

                max = Math.Max(max ?? 0, value);
            }
        }

        return (probabilities.GetRawText(), max);
    }

    private sealed record FeatureValues(byte[]? Raw, int Unknown, double[] Numbers, string?[] Categories, List<InferredFeature>? Inferred);

    private static FeatureValues Features(ItemFields f, ModelInfo model)
    {
        var schema = model.Features;
        var numbers = new double[schema.Count];
        var categories = new string?[schema.Count];
        Array.Fill(numbers, double.NaN);
        if (!f.TryGet("features", out var features))
        {
            return new FeatureValues(null, 0, numbers, categories, null);
        }

        if (features.ValueKind != JsonValueKind.Object)
        {
            f.Error("features", $"must be an object of feature name → value, not {ItemFields.Describe(features)}.");
            return new FeatureValues(null, 0, numbers, categories, null);
        }

        var unknown = 0;
        var count = 0;
        List<InferredFeature>? inferred = schema.Count == 0 ? [] : null;
        var next = 0;
        foreach (var p in features.EnumerateObject())
        {
            if (++count > MaxFeatures)
            {
                f.Error("features", $"has more than {MaxFeatures} features.");
                break;
            }

            // Fast path: clients usually send features in schema order; NameEquals compares without allocating.
            int index;
            if (next < schema.Count && p.NameEquals(schema[next].Name))
            {
                index = next++;
            }
            else if (p.Name.Length is 0 or > ModelFeature.NameMaxLength)
            {
                f.Error("features", $"a feature name must be 1 to {ModelFeature.NameMaxLength} characters long.");
                continue;
            }
            else if (!model.FeatureIndex.TryGetValue(p.Name, out index))
            {
                unknown++;
                CheckUntyped(f, $"features.{p.Name}", p.Value, inferred);
                continue;
            }

            var value = p.Value;
            var field = schema[index].Field;

            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (schema[index].Type == FeatureType.Numerical)
            {
                if (value.ValueKind is JsonValueKind.Number or JsonValueKind.String)
                {
                    numbers[index] = f.ReadNumber(value, field) ?? double.NaN;
                }
                else
                {
                    f.Error(field, $"must be a number (numerical feature), not {ItemFields.Describe(value)}.");
                }
            }
            else
            {
                categories[index] = Category(f, field, value);
            }
        }

        return new FeatureValues(JsonMarshal.GetRawUtf8Value(features).ToArray(), unknown, numbers, categories, inferred);
    }

    /// <summary>A feature outside the schema: stored as sent, but still checked for NaN/Infinity and length.</summary>
    private static void CheckUntyped(ItemFields f, string field, JsonElement value, List<InferredFeature>? inferred)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                if (f.ReadNumber(value, field) is { } n && inferred is { Count: < MaxInferredFeatures })
                {
                    inferred.Add(new InferredFeature(field[9..], n, null));
                }

                break;
            case JsonValueKind.String or JsonValueKind.True or JsonValueKind.False:
                if (Category(f, field, value) is { } c && inferred is { Count: < MaxInferredFeatures })
                {
                    inferred.Add(new InferredFeature(field[9..], double.NaN, c));
                }

                break;
            case JsonValueKind.Null:
                break;
            default:
                f.Error(field, $"must be a number, string, boolean or null, not {ItemFields.Describe(value)}.");
                break;
        }
    }

    private static string? Category(ItemFields f, string field, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (text.Length > ItemFields.MaxCategoryLength)
                {
                    f.Error(field, $"is {text.Length} characters long; at most {ItemFields.MaxCategoryLength} are allowed.");
                    return null;
                }

                return text;
            case JsonValueKind.Number:
                return f.ReadNumber(value, field, bounded: false)?.ToString(CultureInfo.InvariantCulture);
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            default:
                f.Error(field, $"must be a category (string, number or boolean), not {ItemFields.Describe(value)}.");
                return null;
        }
    }
}
