using System.Text.Json;
using Portal.ScaleOut.Tests.Infrastructure;

namespace Portal.ScaleOut.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ScheduledJobsAcrossNodesTests(ClusterFixture cluster)
{
    /// <summary>
    /// The retention job is scheduled every 10 s on both nodes (<see cref="ClusterFixture.RetentionCron"/>). Each run
    /// records when Hangfire's scheduler triggered it (its "Time" parameter, a few seconds after the occurrence: the
    /// schedulers poll every 5 s) in its JobRun inputs. Taken to its 10-second occurrence there must be exactly one run
    /// per occurrence, although two Hangfire servers poll the same schedule; retries would show as a second run.
    /// </summary>
    [Fact]
    public async Task The_retention_job_runs_once_per_scheduled_occurrence_across_both_nodes()
    {
        Assert.True(await cluster.Postgres.ScalarAsync<long>("SELECT count(*) FROM hangfire.server") >= 2, "both nodes run a Hangfire server on the shared storage");

        var deadline = DateTime.UtcNow.AddSeconds(90);
        List<(DateTime? TriggeredAt, bool Finished)> runs;
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            runs = await RetentionRunsAsync();
        }
        while (runs.Where(r => r.Finished).Select(r => r.TriggeredAt).Distinct().Count() < 4 && DateTime.UtcNow < deadline);

        Assert.All(runs, r => Assert.NotNull(r.TriggeredAt));
        var perOccurrence = runs.GroupBy(r => Occurrence(r.TriggeredAt!.Value)).OrderBy(g => g.Key).ToList();
        Assert.True(perOccurrence.Count >= 4, $"at least 4 occurrences within 90 s, saw {perOccurrence.Count}");
        Assert.All(perOccurrence, g => Assert.True(g.Count() == 1, $"the occurrence {g.Key:O} ran {g.Count()} times"));
    }

    /// <summary>The 10-second occurrence of <see cref="ClusterFixture.RetentionCron"/> a trigger time belongs to.</summary>
    private static DateTime Occurrence(DateTime triggeredAt) =>
        new(triggeredAt.Ticks - (triggeredAt.Ticks % TimeSpan.FromSeconds(10).Ticks), DateTimeKind.Utc);

    private async Task<List<(DateTime? TriggeredAt, bool Finished)>> RetentionRunsAsync()
    {
        await using var connection = await cluster.Postgres.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("""SELECT "InputJson", "FinishedAt" IS NOT NULL FROM "JobRuns" WHERE "JobType" = 'retention'""", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var runs = new List<(DateTime?, bool)>();
        while (await reader.ReadAsync())
        {
            DateTime? scheduled = null;
            if (!reader.IsDBNull(0))
            {
                using var inputs = JsonDocument.Parse(reader.GetString(0));
                if (inputs.RootElement.TryGetProperty("triggeredAt", out var at) && at.ValueKind == JsonValueKind.String)
                {
                    scheduled = at.GetDateTime();
                }
            }

            runs.Add((scheduled, reader.GetBoolean(1)));
        }

        return runs;
    }
}
