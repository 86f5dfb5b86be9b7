using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Web.Features.Ingestion;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;

namespace Portal.Web.Tests.Ingestion;

/// <summary>A full queue answers 429 with Retry-After (nothing stored, nothing lost); retention deletes old raw rows only.</summary>
public sealed class BackpressureAndRetentionTests
{
    [Fact]
    public async Task Full_queue_is_429_with_retry_after_and_queued_items_are_still_committed()
    {
        using var gate = new ManualResetEventSlim(false);
        using var baseFactory = new PortalFactory();
        using var factory = baseFactory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Portal:Ingestion:MaxQueuedItems", "3");
            b.ConfigureTestServices(s => s.DecorateIngestionStore(store => new GatedStore(store, gate)));
        });
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", PortalFactory.ApiKey);
        await CreateModelAsync(client, "gated");

        var first = PostJsonAsync(client, "/api/v1/models/gated/predictions",
            """[{"predictionId": "1", "prediction": 1}, {"predictionId": "2", "prediction": 1}, {"predictionId": "3", "prediction": 1}]""");
        var channel = factory.Services.GetRequiredService<IngestionChannel>();
        for (var i = 0; i < 1000 && channel.QueuedItems < 3; i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(3, channel.QueuedItems);

        var (status, problem, response) = await PostJsonAsync(client, "/api/v1/models/gated/predictions", """{"predictionId": "4", "prediction": 1}""");
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After is missing");
        Assert.Contains("Nothing of this request was stored", problem["detail"]!.GetValue<string>());
        Assert.False(first.IsCompleted, "the first request must wait for its commit");

        gate.Set();
        var (firstStatus, answer, _) = await first;
        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Equal(3, answer["accepted"]!.GetValue<int>());

        // The writer releases the queue's count just after it answers the commit: retry once it has (as Retry-After says).
        for (var i = 0; i < 1500 && channel.QueuedItems > 0; i++)
        {
            await Task.Delay(20);
        }

        var retry = await PostOkAsync(client, "/api/v1/models/gated/predictions", """{"predictionId": "4", "prediction": 1}""");
        Assert.Equal(1, retry["accepted"]!.GetValue<int>());
    }

    [Fact]
    public async Task Retention_deletes_raw_rows_older_than_raw_days_and_keeps_rollups()
    {
        using var factory = new PortalFactory();
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "aging");
        var old = DateTimeOffset.UtcNow.AddDays(-31);
        var recent = DateTimeOffset.UtcNow.AddDays(-29);
        await PostOkAsync(client, "/api/v1/models/aging/predictions", $$"""
            [ {"predictionId": "old", "prediction": 1, "timestamp": "{{Iso(old)}}"},
              {"predictionId": "recent", "prediction": 1, "timestamp": "{{Iso(recent)}}"},
              {"predictionId": "now", "prediction": 1} ]
            """);
        await PostOkAsync(client, "/api/v1/models/aging/feedback", $$"""[{"predictionId": "old", "label": 1, "timestamp": "{{Iso(old)}}"}, {"predictionId": "now", "label": 1}]""");
        await PostOkAsync(client, "/api/v1/resources", $$"""[{"host": "h", "timestamp": "{{Iso(old)}}", "cpuPercent": 5}, {"host": "h", "cpuPercent": 6}]""");

        var deleted = await factory.Services.GetRequiredService<RetentionService>().RunOnceAsync(CancellationToken.None);
        Assert.Equal(3, deleted);

        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Equal(["now", "recent"], (await db.PredictionEvents.Select(p => p.PredictionId).ToListAsync()).Order());
        Assert.Equal(["now"], await db.FeedbackLabels.Select(f => f.PredictionId).ToListAsync());
        Assert.Equal(1, await db.ResourceSamples.CountAsync());
        Assert.Equal(3, (await SummaryAsync(client, "aging", "40d"))["predictions"]!.GetValue<long>());
    }
}
