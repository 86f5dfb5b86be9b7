using System.Net;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Web.Features.Ingestion;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;

namespace Portal.Web.Tests.Ingestion;

/// <summary>
/// The writer commits the requests queued together in one transaction; when the database refuses that transaction,
/// each request is retried alone, so only the request the database refuses fails (issue 23). Runs on both providers:
/// the refusal is a real one, a trigger raising an error for one prediction id.
/// </summary>
public sealed class WriterIsolationTests
{
    private const string Refused = "refused-by-the-database";
    private const string DatabaseMessage = "secret-detail-of-the-database";

    [Fact]
    public async Task A_request_the_database_refuses_fails_alone_and_the_requests_committed_with_it_are_stored()
    {
        using var gate = new ManualResetEventSlim(false);
        GatedStore? gated = null;
        using var baseFactory = new PortalFactory();
        using var factory = baseFactory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.DecorateIngestionStore(store => gated = new GatedStore(store, gate))));
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", PortalFactory.ApiKey);
        await CreateModelAsync(client, "isolated");
        await RefuseOnePredictionIdAsync(factory.Services);

        // The first request holds the writer at the gate; the next ones queue up behind it and form one group.
        var first = PostJsonAsync(client, "/api/v1/models/isolated/predictions", """{"predictionId": "first", "prediction": 1}""");
        Assert.Equal(1, await Eventually.PollAsync(() => gated?.Arrived ?? 0, arrived => arrived == 1));
        var others = Enumerable.Range(0, 6)
            .Select(i => PostJsonAsync(client, "/api/v1/models/isolated/predictions", $$"""{"predictionId": "other-{{i}}", "prediction": 1}"""))
            .ToList();
        var refused = PostJsonAsync(client, "/api/v1/models/isolated/predictions", $$"""{"predictionId": "{{Refused}}", "prediction": 1}""");
        var channel = factory.Services.GetRequiredService<IngestionChannel>();
        await Eventually.PollAsync(() => Task.FromResult(channel.QueuedItems), queued => queued == 8);
        Assert.Equal(8, channel.QueuedItems);
        gate.Set();

        // A writer that lost a request would leave its sender waiting: a guard, not a speed limit.
        await Task.WhenAll([first, refused, .. others]).WaitAsync(Eventually.Deadline);
        var (refusedStatus, problem, _) = await refused;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedStatus);
        Assert.DoesNotContain(DatabaseMessage, problem.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, (await first).Status);
        foreach (var other in others)
        {
            var (status, answer, _) = await other;
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(1, answer["accepted"]!.GetValue<int>());
        }

        Assert.Equal(7, await StoredPredictionsAsync(baseFactory, "isolated"));
        Assert.Equal(7, (await SummaryAsync(client, "isolated"))["predictions"]!.GetValue<long>());
        // The six others and the refused one were one group: it failed as a whole, then each request alone.
        Assert.Contains("A group commit of 7 requests failed", baseFactory.Logs.All);
        Assert.Contains(DatabaseMessage, baseFactory.Logs.All);
    }

    /// <summary>A trigger that makes the database itself refuse the insert of one prediction id.</summary>
    private static async Task RefuseOnePredictionIdAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync($"""
                CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW."PredictionId" = '{Refused}' THEN RAISE EXCEPTION '{DatabaseMessage}'; END IF;
                  RETURN NEW;
                END $$;
                CREATE TRIGGER refuse_one BEFORE INSERT ON "PredictionEvents" FOR EACH ROW EXECUTE FUNCTION refuse_one();
                """);
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync($"""
                CREATE TRIGGER refuse_one BEFORE INSERT ON "PredictionEvents" WHEN NEW."PredictionId" = '{Refused}'
                BEGIN SELECT RAISE(ABORT, '{DatabaseMessage}'); END;
                """);
        }
    }
}
