using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Ingestion;

/// <summary>Small helpers shared by the ingestion API tests.</summary>
public static class IngestionApi
{
    public static readonly object[] FraudFeatures =
    [
        new { name = "amount", type = "numerical", min = 0, max = 1000 },
        new { name = "country", type = "categorical", categories = new[] { "DE", "FR" } },
    ];

    public static async Task CreateModelAsync(HttpClient client, string model, string taskType = "binary", object[]? features = null)
    {
        using var response = await client.PutAsJsonAsync($"/api/v1/models/{model}", new { taskType, owner = "tests", features = features ?? FraudFeatures });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    public static async Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> PostJsonAsync(HttpClient client, string path, string json, string mediaType = "application/json")
    {
        var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, mediaType));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text.Length == 0 ? "{}" : text)!, response);
    }

    public static async Task<JsonNode> PostOkAsync(HttpClient client, string path, string json, string mediaType = "application/json")
    {
        var (status, body, _) = await PostJsonAsync(client, path, json, mediaType);
        Assert.True(status == HttpStatusCode.OK, $"expected 200, got {(int)status}: {body.ToJsonString()}");
        return body;
    }

    /// <summary>Errors of the rejected item at <paramref name="index"/>, joined.</summary>
    public static string RejectedErrors(JsonNode answer, int index)
    {
        var item = answer["rejected"]!.AsArray().FirstOrDefault(r => r!["index"]!.GetValue<int>() == index);
        Assert.True(item is not null, $"item {index} was not rejected: {answer.ToJsonString()}");
        return string.Join(" | ", item!["errors"]!.AsArray().Select(e => e!.GetValue<string>()));
    }

    public static async Task<int> StoredPredictionsAsync(PortalFactory factory, string model)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var id = (await db.Models.SingleAsync(m => m.Name == model)).Id;
        return await db.PredictionEvents.CountAsync(p => p.ModelId == id);
    }

    public static async Task<JsonNode> SummaryAsync(HttpClient client, string model, string window = "1h")
    {
        using var response = await client.GetAsync($"/api/v1/models/{model}/summary?window={window}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("O");
}
