using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;

namespace Portal.Web.Tests.Ingestion;

/// <summary>
/// The configured body limits of the ingestion routes (<c>Portal:Ingestion:MaxBodyBytes</c>,
/// <c>ReferenceMaxBodyBytes</c>, <c>ReferenceMaxRows</c>), set small here: a body at the limit is taken, one byte (or row)
/// more is answered 413 problem+json and nothing is stored.
/// </summary>
public sealed class BodyLimitTests : IDisposable
{
    private const int MaxBodyBytes = 2_000;
    private const int ReferenceMaxBodyBytes = 3_000;
    private const int ReferenceMaxRows = 5;

    private readonly PortalFactory factory = new()
    {
        Settings =
        {
            ["Portal:Ingestion:MaxBodyBytes"] = MaxBodyBytes.ToString(),
            ["Portal:Ingestion:ReferenceMaxBodyBytes"] = ReferenceMaxBodyBytes.ToString(),
            ["Portal:Ingestion:ReferenceMaxRows"] = ReferenceMaxRows.ToString(),
        },
    };

    public void Dispose() => factory.Dispose();

    public static TheoryData<string, string> Routes => new()
    {
        { "/api/v1/models/limited/predictions", """[{"predictionId": "p-2", "prediction": 1, "score": 0.8, "features": {"amount": 10, "country": "DE"}}]""" },
        { "/api/v1/models/limited/feedback", """[{"predictionId": "p-1", "label": 1}]""" },
        { "/api/v1/resources", """[{"host": "limited-host", "model": "limited", "cpuPercent": 5}]""" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_body_one_byte_over_MaxBodyBytes_is_413_and_one_at_the_limit_is_taken(string path, string json)
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "limited");
        await PostOkAsync(client, "/api/v1/models/limited/predictions", """[{"predictionId": "p-1", "prediction": 1}]""");
        var before = await Eventually.PollAsync(() => StoredAsync(path), n => path.EndsWith("/predictions", StringComparison.Ordinal) ? n == 1 : n == 0);

        var (over, problem) = await PostAsync(client, path, Padded(json, MaxBodyBytes + 1));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over);
        Assert.Contains($"at most {MaxBodyBytes}", problem["detail"]!.GetValue<string>());

        var (atLimit, answer) = await PostAsync(client, path, Padded(json, MaxBodyBytes));
        Assert.True(atLimit == HttpStatusCode.OK, answer.ToJsonString());
        Assert.Equal(1, answer["accepted"]!.GetValue<int>());

        // Written behind a queue: once the accepted item is stored, exactly one more row is there (none from the 413).
        Assert.Equal(before + 1, await Eventually.PollAsync(() => StoredAsync(path), n => n > before));
    }

    [Fact]
    public async Task A_reference_body_over_ReferenceMaxBodyBytes_is_413_though_it_is_bigger_than_MaxBodyBytes_allows_elsewhere()
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "limited");
        const string json = """{"columns": {"amount": [1, 2, 3], "country": ["DE", "FR", "DE"]}}""";

        // Over the ingestion routes' limit but within the reference's own: taken.
        var (within, stored) = await PutReferenceAsync(client, Padded(json, ReferenceMaxBodyBytes), "application/json");
        Assert.True(within == HttpStatusCode.Created, stored.ToJsonString());

        var (over, problem) = await PutReferenceAsync(client, Padded(json, ReferenceMaxBodyBytes + 1), "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over);
        Assert.Contains($"at most {ReferenceMaxBodyBytes}", problem["detail"]!.GetValue<string>());
        Assert.Equal(1, await DatasetsAsync());
    }

    [Fact]
    public async Task A_reference_with_one_row_more_than_ReferenceMaxRows_is_413_and_nothing_is_stored()
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "limited");
        static string Rows(int n) => "amount,country\n" + string.Concat(Enumerable.Range(0, n).Select(i => $"{i},DE\n"));

        var (over, problem) = await PutReferenceAsync(client, Rows(ReferenceMaxRows + 1));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over);
        Assert.Equal("Reference too large", problem["title"]!.GetValue<string>());
        Assert.Equal(0, await DatasetsAsync());

        var (atLimit, stored) = await PutReferenceAsync(client, Rows(ReferenceMaxRows));
        Assert.True(atLimit == HttpStatusCode.Created, stored.ToJsonString());
        Assert.Equal(ReferenceMaxRows, stored["rows"]!.GetValue<long>());
    }

    /// <summary>The JSON padded with trailing whitespace to exactly <paramref name="bytes"/> bytes of UTF-8.</summary>
    private static string Padded(string json, int bytes)
    {
        var length = Encoding.UTF8.GetByteCount(json);
        Assert.True(length <= bytes, $"the body alone has {length} bytes");
        return json + new string(' ', bytes - length);
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(HttpClient client, string path, string body)
    {
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text.Length == 0 ? "{}" : text)!);
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> PutReferenceAsync(HttpClient client, string body, string mediaType = "text/csv")
    {
        using var response = await client.PutAsync("/api/v1/models/limited/reference", new StringContent(body, Encoding.UTF8, mediaType));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text.Length == 0 ? "{}" : text)!);
    }

    private async Task<int> StoredAsync(string path)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return path.EndsWith("/predictions", StringComparison.Ordinal) ? await db.PredictionEvents.CountAsync()
            : path.EndsWith("/feedback", StringComparison.Ordinal) ? await db.FeedbackLabels.CountAsync()
            : await db.ResourceSamples.CountAsync();
    }

    private async Task<int> DatasetsAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().ReferenceDatasets.CountAsync();
    }
}
