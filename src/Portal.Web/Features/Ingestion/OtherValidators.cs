using System.Text.Json;
using Portal.Data.Entities;
using Portal.Web.Infrastructure.Validation;
using Portal.Web.Infrastructure.Models;

namespace Portal.Web.Features.Ingestion;

/// <summary>Checks one feedback item: <c>{"predictionId": "...", "label": 1, "timestamp": "..."}</c>.</summary>
public static class FeedbackValidator
{
    public static FeedbackRecord? Validate(JsonElement item, ModelInfo model, long nowMs, ValidationProblems problems)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add("item", $"must be a JSON object, not {ItemFields.Describe(item)}.");
            return null;
        }

        var f = new ItemFields(item, problems);
        var predictionId = f.String("predictionId", PredictionEvent.PredictionIdMaxLength, required: true);
        var timestamp = f.Timestamp("timestamp", nowMs);
        string? label = null;
        double? value = null;
        if (!f.TryGet("label", out var labelJson))
        {
            f.Error("label", "is required.");
        }
        else if (model.TaskType == ModelTaskType.Regression)
        {
            value = f.ReadNumber(labelJson, "label");
            label = value?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            label = f.Label(labelJson, "label", out value);
        }

        return !problems.IsEmpty || predictionId is null || label is null
            ? null
            : new FeedbackRecord { PredictionId = predictionId, Label = label, LabelValue = value, TimestampMs = timestamp };
    }
}

/// <summary>Checks one resource sample of POST /api/v1/resources.</summary>
public static class ResourceValidator
{
    /// <summary>The model the sample names (null when it names none); resolved by the endpoint.</summary>
    public static ResourceRecord? Validate(JsonElement item, ModelInfo? model, long nowMs, ValidationProblems problems)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add("item", $"must be a JSON object, not {ItemFields.Describe(item)}.");
            return null;
        }

        var f = new ItemFields(item, problems);
        var host = f.String("host", ResourceSample.HostMaxLength, required: true);
        var record = new ResourceRecord
        {
            Host = host ?? "",
            Model = model,
            TimestampMs = f.Timestamp("timestamp", nowMs),
            CpuPercent = f.Number("cpuPercent", 0, 100),
            MemoryBytes = f.WholeNumber("memoryBytes"),
            MemoryPercent = f.Number("memoryPercent", 0, 100),
            GpuPercent = f.Number("gpuPercent", 0, 100),
            GpuMemoryBytes = f.WholeNumber("gpuMemoryBytes"),
        };
        return !problems.IsEmpty ? null : record;
    }
}
