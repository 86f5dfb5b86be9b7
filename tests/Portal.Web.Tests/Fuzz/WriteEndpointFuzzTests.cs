using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Alerting;
using Portal.Data.Entities.Experiments;
using Portal.Data.Entities.Jobs;
using Portal.Data.Identity;
using Portal.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Web.Tests.Fuzz;

/// <summary>
/// Sends every write route under /api the bodies of <see cref="FuzzPayloads"/> and checks what bad input must never
/// do: answer 5xx, answer a 4xx that is not problem+json (a 400 must name a field), store anything from a refused
/// body, or leave the model's pages and summary broken.
/// </summary>
public sealed class WriteEndpointFuzzTests(WriteEndpointFuzzTests.Host host, ITestOutputHelper output) : IClassFixture<WriteEndpointFuzzTests.Host>
{
    private const int GeneratedPerTarget = 8;

    /// <summary>One portal for the whole suite, with the model and running experiment the targets write to.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public PortalFactory Factory { get; } = new();

        public string? CountSql { get; set; }

        /// <summary>A signed-in admin browser, to open the model's pages after each target.</summary>
        public HttpClient? Browser { get; private set; }

        public async Task InitializeAsync()
        {
            using var client = Factory.CreateApiClient();
            await Ingestion.IngestionApi.CreateModelAsync(client, FuzzTargets.Model);
            using (var put = await client.PutAsJsonAsync($"/api/v1/models/{FuzzTargets.Model}", new { versions = new[] { "v1", "v2" } }))
            {
                Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
            }

            await Ingestion.IngestionApi.PostOkAsync(client, $"/api/v1/models/{FuzzTargets.Model}/predictions",
                """[{"predictionId": "seed-1", "prediction": 1, "score": 0.8, "latencyMs": 5, "features": {"amount": 3, "country": "DE"}}]""");
            var definition = JsonNode.Parse(FuzzTargets.ExperimentDefinition(FuzzTargets.Experiment))!;
            using (var created = await client.PostAsJsonAsync("/api/v1/experiments", definition))
            {
                Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            }

            using var started = await client.PostAsync($"/api/v1/experiments/{FuzzTargets.Experiment}/start", null);
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
            Browser = await Factory.SignInAsync("Admin");
        }

        public Task DisposeAsync()
        {
            Browser?.Dispose();
            Factory.Dispose();
            return Task.CompletedTask;
        }
    }

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.ToString())];

    [Fact]
    public void Every_write_route_under_api_has_fuzz_coverage()
    {
        var routes = host.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => Normalize(e.RoutePattern.RawText).StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {Normalize(e.RoutePattern.RawText)}"))
            .Where(r => !r.StartsWith("GET ", StringComparison.Ordinal) && !r.StartsWith("HEAD ", StringComparison.Ordinal) && !r.StartsWith("OPTIONS ", StringComparison.Ordinal))
            .ToHashSet();
        var covered = FuzzTargets.All.Select(t => $"{t.Method} {Normalize(t.Pattern)}").ToHashSet();

        Assert.True(routes.Count >= 25, $"only {routes.Count} write routes found: {string.Join(", ", routes)}");
        var missing = routes.Except(covered).Order().ToList();
        Assert.True(missing.Count == 0, "write routes without fuzz coverage (add them to FuzzTargets): " + string.Join(", ", missing));
        var stale = covered.Except(routes).Order().ToList();
        Assert.True(stale.Count == 0, "fuzz targets that are no route: " + string.Join(", ", stale));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Bad_input_is_never_a_5xx_and_stores_nothing(string name)
    {
        var target = FuzzTargets.All.Single(t => t.ToString() == name);
        using var client = host.Factory.CreateApiClient();
        var seed = name.Aggregate(14, (h, c) => unchecked((h * 31) + c));
        var failures = new List<string>();
        foreach (var payload in FuzzPayloads.For(target, seed, GeneratedPerTarget).Concat(PathPayloads(target)))
        {
            var before = await CountRowsAsync();
            var (status, contentType, text) = await SendAsync(client, target, payload);
            var refused = (int)status >= 400 || IsAllRejected(text);
            var problem = Check(status, contentType, text);
            if (problem is null && refused && await CountRowsAsync() is var after && after != before)
            {
                problem = $"stored rows from a refused body: {before} → {after}";
            }

            if (problem is not null)
            {
                failures.Add($"{target} [{payload}] → {(int)status}: {problem} | {Shorten(text)}");
            }
        }

        foreach (var failure in failures)
        {
            output.WriteLine(failure);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        await AssertModelStillReadableAsync(client);
    }

    /// <summary>
    /// The same target with hostile path segments (invalid UTF-8, a newline, overlong, out of range) in place of the model
    /// or id. (%00 is refused by Kestrel before the app sees it; the in-memory test server throws on it instead.)
    /// </summary>
    private static IEnumerable<FuzzPayload> PathPayloads(FuzzTarget target)
    {
        if (!target.Pattern.Contains('{'))
        {
            yield break;
        }

        foreach (var segment in new[] { "%C3%28", "lf%0A", "%FF%FE", new string('m', 300), "-1", "99999999999999999999" })
        {
            yield return new FuzzPayload("path:" + segment, Encoding.UTF8.GetBytes(target.Template ?? "{}")) { };
        }
    }

    private static async Task<(HttpStatusCode Status, string? ContentType, string Text)> SendAsync(HttpClient client, FuzzTarget target, FuzzPayload payload)
    {
        var path = payload.Name.StartsWith("path:", StringComparison.Ordinal) ? ReplaceFirstParameter(target, payload.Name[5..]) : target.Path;
        using var request = new HttpRequestMessage(new HttpMethod(target.Method), path);
        if (payload.Body.Length > 0 || payload.ContentType is not null)
        {
            request.Content = new ByteArrayContent(payload.Body);
            if (payload.ContentType is { } type)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            }
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The concrete path with its first route parameter's segment replaced.</summary>
    private static string ReplaceFirstParameter(FuzzTarget target, string segment)
    {
        var patternParts = target.Pattern.Split('/');
        var pathParts = target.Path.Split('/');
        var index = Array.FindIndex(patternParts, p => p.StartsWith('{'));
        pathParts[index] = segment;
        return string.Join('/', pathParts);
    }

    /// <summary>What is wrong with the answer, or null.</summary>
    private static string? Check(HttpStatusCode status, string? contentType, string text)
    {
        var code = (int)status;
        if (code >= 500)
        {
            return "a server error";
        }

        if (code < 400)
        {
            return null;
        }

        if (contentType != "application/problem+json")
        {
            return $"a {code} that is not problem+json ({contentType ?? "no content type"})";
        }

        if (code == 400)
        {
            var errors = JsonNode.Parse(text)?["errors"] as JsonObject;
            if (errors is null || errors.Count == 0)
            {
                return "a 400 that names no field (no \"errors\")";
            }
        }

        return null;
    }

    /// <summary>An ingestion-style answer (200) that accepted nothing.</summary>
    private static bool IsAllRejected(string text)
    {
        try
        {
            return JsonNode.Parse(text) is JsonObject answer && answer["accepted"]?.GetValue<int>() == 0;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    /// <summary>Rows of every table a write route stores into, in one query (it runs twice per request).</summary>
    private async Task<string> CountRowsAsync()
    {
        await using var scope = host.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        host.CountSql ??= "SELECT " + string.Join(" || ',' || ", new[]
        {
            typeof(MlModel), typeof(ModelFeature), typeof(ModelVersion), typeof(PredictionEvent), typeof(FeedbackLabel), typeof(ResourceSample),
            typeof(ReferenceDataset), typeof(ReferenceColumn), typeof(AlertRuleEntity), typeof(Experiment), typeof(ExperimentObservation), typeof(ApiKey),
            typeof(SloDefinition), typeof(DriftSettings), typeof(FairnessSettings),
        }.Select(t => $"(SELECT COUNT(*) FROM \"{db.Model.FindEntityType(t)!.GetTableName()}\")")) + " AS \"Value\"";
        return (await db.Database.SqlQueryRaw<string>(host.CountSql).ToListAsync()).Single();
    }

    private async Task AssertModelStillReadableAsync(HttpClient client)
    {
        foreach (var path in new[] { $"/api/v1/models/{FuzzTargets.Model}/summary?window=7d", $"/api/v1/models/{FuzzTargets.Model}", "/api/v1/models" })
        {
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        foreach (var page in new[] { $"/models/{FuzzTargets.Model}", "/models" })
        {
            using var response = await host.Browser!.GetAsync(page);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page}: {(int)response.StatusCode}");
        }
    }

    private static string Normalize(string? pattern) => "/" + (pattern ?? "").Trim('/');

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
