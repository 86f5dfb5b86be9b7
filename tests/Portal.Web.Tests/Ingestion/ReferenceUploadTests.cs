using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;

namespace Portal.Web.Tests.Ingestion;

/// <summary>PUT /api/v1/models/{model}/reference: CSV or JSON columns, streamed into versioned column chunks.</summary>
public sealed class ReferenceUploadTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private readonly HttpClient client = factory.CreateApiClient();

    private async Task<string> ModelAsync()
    {
        var name = "r-" + Guid.NewGuid().ToString("N")[..10];
        await CreateModelAsync(client, name);
        return name;
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> PutAsync(string model, string body, string mediaType)
    {
        using var response = await client.PutAsync($"/api/v1/models/{model}/reference", new StringContent(body, Encoding.UTF8, mediaType));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private async Task<int> DatasetsAsync(string model)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var id = (await db.Models.SingleAsync(m => m.Name == model)).Id;
        return await db.ReferenceDatasets.CountAsync(d => d.ModelId == id);
    }

    [Fact]
    public async Task Csv_upload_creates_a_versioned_dataset_with_typed_columns()
    {
        var model = await ModelAsync();
        var csv = "amount,country,extra\n1.5,DE,a\n2,FR,b\n,DE,7\n";
        var (status, body) = await PutAsync(model, csv, "text/csv");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(1, body["version"]!.GetValue<int>());
        Assert.Equal(3, body["rows"]!.GetValue<long>());
        var columns = body["columns"]!.AsArray();
        Assert.Equal("numerical", columns[0]!["type"]!.GetValue<string>());
        Assert.Equal(1, columns[0]!["missing"]!.GetValue<long>());
        Assert.Equal("categorical", columns[1]!["type"]!.GetValue<string>());
        Assert.Equal("categorical", columns[2]!["type"]!.GetValue<string>());

        var (_, second) = await PutAsync(model, csv, "text/csv");
        Assert.Equal(2, second["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Json_columns_upload_is_accepted()
    {
        var model = await ModelAsync();
        var (status, body) = await PutAsync(model, """{"columns": {"amount": [1, 2.5, null, 4], "country": ["DE", "FR", "DE", null], "score_bucket": [1, 2, 3, 4]}}""", "application/json");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(4, body["rows"]!.GetValue<long>());
        Assert.Equal("numerical", body["columns"]![2]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Not_a_number_in_a_numerical_column_names_row_and_column_and_stores_nothing()
    {
        var model = await ModelAsync();
        var (status, body) = await PutAsync(model, "amount,country\n1,DE\n2,FR\nabc,DE\n", "text/csv");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(body["errors"]!["reference[row 4].amount"]);
        Assert.Equal(0, await DatasetsAsync(model));
    }

    [Fact]
    public async Task Json_columns_of_different_lengths_are_rejected()
    {
        var model = await ModelAsync();
        var (status, body) = await PutAsync(model, """{"columns": {"amount": [1, 2, 3], "country": ["DE"]}}""", "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(body["errors"]!["columns.country"]);
        Assert.Equal(0, await DatasetsAsync(model));
    }

    [Fact]
    public async Task Json_value_of_wrong_type_names_its_index()
    {
        var model = await ModelAsync();
        var (status, body) = await PutAsync(model, """{"columns": {"amount": [1, "x", 3]}}""", "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(body["errors"]!["columns.amount[1]"]);
    }

    [Fact]
    public async Task Malformed_json_is_400_and_stores_nothing()
    {
        var model = await ModelAsync();
        var (status, _) = await PutAsync(model, """{"columns": {"amount": [1, 2""", "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(0, await DatasetsAsync(model));
    }

    [Fact]
    public async Task Other_media_types_are_415()
    {
        var model = await ModelAsync();
        var (status, _) = await PutAsync(model, "amount\n1\n", "application/xml");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
    }

    [Fact]
    public async Task Large_upload_is_streamed_into_chunks()
    {
        var model = await ModelAsync();
        const int rows = 150_000;
        var csv = new StringBuilder("amount,country\n");
        for (var i = 0; i < rows; i++)
        {
            csv.Append(i % 1000).Append(',').Append(i % 2 == 0 ? "DE" : "FR").Append('\n');
        }

        var (status, body) = await PutAsync(model, csv.ToString(), "text/csv");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(rows, body["rows"]!.GetValue<long>());
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var modelId = (await db.Models.SingleAsync(m => m.Name == model)).Id;
        var dataset = await db.ReferenceDatasets.SingleAsync(d => d.ModelId == modelId);
        var columnIds = await db.ReferenceColumns.Where(c => c.DatasetId == dataset.Id).Select(c => c.Id).ToListAsync();
        var chunks = await db.ReferenceChunks.Where(c => columnIds.Contains(c.ColumnId)).ToListAsync();
        Assert.Equal(2 * 3, chunks.Count);
        Assert.Equal(2L * rows, chunks.Sum(c => (long)c.RowCount));
    }

    [Fact]
    public async Task Summary_reports_drift_against_the_reference()
    {
        var model = await ModelAsync();
        var reference = new StringBuilder("amount,country\n");
        var random = new Random(1);
        for (var i = 0; i < 2000; i++)
        {
            reference.Append((random.NextDouble() * 100).ToString("F2", System.Globalization.CultureInfo.InvariantCulture)).Append(',').Append(random.Next(2) == 0 ? "DE" : "FR").Append('\n');
        }

        Assert.Equal(HttpStatusCode.Created, (await PutAsync(model, reference.ToString(), "text/csv")).Status);
        var items = Enumerable.Range(0, 500).Select(i => new
        {
            predictionId = $"d{i}",
            prediction = 1,
            features = new Dictionary<string, object> { ["amount"] = 400 + (random.NextDouble() * 100), ["country"] = random.Next(2) == 0 ? "DE" : "FR" },
        });
        using (var response = await client.PostAsJsonAsync($"/api/v1/models/{model}/predictions", items))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var summary = await SummaryAsync(client, model);
        var features = summary["features"]!.AsArray();
        var amount = features.Single(f => f!["name"]!.GetValue<string>() == "amount")!;
        var country = features.Single(f => f!["name"]!.GetValue<string>() == "country")!;
        Assert.True(amount["drift"]!["drifted"]!.GetValue<bool>(), amount.ToJsonString());
        Assert.False(country["drift"]!["drifted"]!.GetValue<bool>(), country.ToJsonString());
        Assert.Equal(1, summary["drift"]!["referenceVersion"]!.GetValue<int>());
        Assert.Equal(500, amount["count"]!.GetValue<long>());
        Assert.Equal(0, amount["outOfRange"]!.GetValue<long>());
    }
}
