using System.Globalization;
using System.Text.Json;
using Portal.Data.Entities;
using Portal.Web.Infrastructure.Dashboards;

namespace Portal.Web.Features.Dashboards;

/// <summary>The commands empty states show, so the next step is one copy and paste away.</summary>
public static class CurlExamples
{
    private const string Key = "-H \"X-Api-Key: $PORTAL_KEY\"";
    private const string Json = "-H 'Content-Type: application/json'";

    public static string CreateModel(string baseUri) => $$"""
        curl -X PUT {{Api(baseUri)}}/models/fraud {{Key}} {{Json}} -d '{
          "taskType": "binary", "description": "card fraud", "versions": ["v1"],
          "features": [{"name": "amount", "type": "numerical", "min": 0, "max": 20000}] }'
        """;

    public static string Prediction(string baseUri, ModelHeader model)
    {
        var features = model.Features.ToDictionary(f => f.Name, f => (object)(f.Type == FeatureType.Numerical
            ? Math.Round(((f.Min ?? 0) + (f.Max ?? ((f.Min ?? 0) + 2))) / 2, 2)
            : f.Categories.FirstOrDefault() ?? "a"));
        var prediction = model.IsClassifier ? "1, \"score\": 0.91" : "42.0";
        return $$"""
            curl {{Api(baseUri)}}/models/{{model.Name}}/predictions {{Key}} {{Json}} -d '{
              "predictionId": "p-1", "prediction": {{prediction}}, "latencyMs": 12.5,
              "features": {{JsonSerializer.Serialize(features)}} }'
            """;
    }

    public static string Feedback(string baseUri, ModelHeader model) => $$"""
        curl {{Api(baseUri)}}/models/{{model.Name}}/feedback {{Key}} {{Json}} \
          -d '[{"predictionId": "p-1", "label": {{(model.IsClassifier ? "1" : "40.5")}}}]'
        """;

    public static string Reference(string baseUri, ModelHeader model) => $$"""
        curl -X PUT {{Api(baseUri)}}/models/{{model.Name}}/reference {{Key}} -H 'Content-Type: text/csv' --data-binary @training.csv
        """;

    public static string Resources(string baseUri, ModelHeader model) => $$"""
        curl {{Api(baseUri)}}/resources {{Key}} {{Json}} \
          -d '[{"host": "serving-1", "model": "{{model.Name}}", "cpuPercent": 63.5, "memoryBytes": 2147483648, "gpuPercent": 88}]'
        """;

    private static string Api(string baseUri) => baseUri.TrimEnd('/') + "/api/v1";

    internal static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
