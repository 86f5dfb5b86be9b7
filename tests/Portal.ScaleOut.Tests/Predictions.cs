using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.ScaleOut.Tests.Infrastructure;

namespace Portal.ScaleOut.Tests;

/// <summary>Prediction batches for the test models (amount, country) and the portal's answer to them.</summary>
public static class Predictions
{
    public sealed record Answer(int Accepted, int Duplicates);

    public static object[] Batch(IEnumerable<string> ids, DateTimeOffset timestamp) =>
    [
        .. ids.Select((id, i) => (object)new
        {
            predictionId = id,
            timestamp = timestamp.ToString("O"),
            modelVersion = "v1",
            features = new { amount = 10.0 + (i % 500), country = i % 3 == 0 ? "FR" : "DE" },
            prediction = i % 2,
            score = (i % 100) / 100.0,
            latencyMs = 5.0 + (i % 20),
        }),
    ];

    /// <summary>Posts a batch and returns the answer; throws unless it is 200.</summary>
    public static async Task<Answer> PostAsync(HttpClient client, string model, IEnumerable<string> ids, DateTimeOffset timestamp, CancellationToken cancellationToken = default)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/models/{model}/predictions", Batch(ids, timestamp), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"POST predictions answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }

        return JsonSerializer.Deserialize<Answer>(body, JsonSerializerOptions.Web)!;
    }

    /// <summary>predictions in the summary of the last hour, as <paramref name="node"/> reports it.</summary>
    public static async Task<long> SummaryCountAsync(PortalNode node, string apiKey, string model)
    {
        using var client = node.CreateClient(apiKey);
        using var summary = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/models/{model}/summary?window=1h"));
        return summary.RootElement.GetProperty("predictions").GetInt64();
    }
}
