using System.Text.RegularExpressions;
using Portal.Data;
using Portal.ScaleOut.Tests.Infrastructure;
using Portal.Web.Tests.Infrastructure;

namespace Portal.ScaleOut.Tests;

/// <summary>
/// Alert evaluation runs every <see cref="ClusterFixture.AlertEvaluationSeconds"/> s on whichever node Hangfire gives it,
/// inside the PostgreSQL session advisory lock <see cref="ClusterLockKeys.AlertEvaluation"/>, so two evaluations never
/// overlap across the nodes. Before, Hangfire's lock-table row was used: a node killed while holding it stalled
/// alerting on every node for minutes.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class AlertEvaluationLockTests(ClusterFixture cluster)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task No_node_evaluates_alerts_while_another_session_holds_the_lock_and_evaluation_resumes_once_the_holder_is_killed()
    {
        var runs = await Eventually.PollAsync(AlertRunsAsync, n => n > 0, Generous);
        Assert.True(runs > 0, "no alert evaluation ran on either node");

        // Another session takes the lock as a node does while it evaluates (waiting for a running evaluation to end).
        await using var holder = await AdvisoryLockHolder.TakeAsync(cluster.Postgres, ClusterLockKeys.AlertEvaluation, Generous);
        var runsWhileHeld = await AlertRunsAsync();
        var skipsBefore = Skips();

        // The positive signal: the nodes' scheduled evaluations found the lock taken and skipped (two occurrences)…
        var skipped = await Eventually.PollAsync(() => Task.FromResult(Skips() - skipsBefore), n => n >= 2, Generous);
        Assert.True(skipped >= 2, $"the nodes did not skip while the lock was held (skips: {skipped}); logs:\n{Tail(cluster.A.Log)}\n{Tail(cluster.B.Log)}");

        // …and none of them evaluated meanwhile.
        Assert.Equal(runsWhileHeld, await AlertRunsAsync());

        // The holder dies without unlocking: PostgreSQL ends its session, the lock goes with it, and the next
        // occurrence evaluates (not minutes later), then every later one too: no node keeps the lock after its evaluation.
        await holder.KillAsync();
        var resumed = await Eventually.PollAsync(AlertRunsAsync, n => n >= runsWhileHeld + 3, Generous);
        Assert.True(resumed >= runsWhileHeld + 3, $"alert evaluation did not resume after the holder died: {resumed - runsWhileHeld} run(s) since");
    }

    private int Skips() => SkipLine().Count(cluster.A.Log) + SkipLine().Count(cluster.B.Log);

    private Task<long> AlertRunsAsync() =>
        cluster.Postgres.ScalarAsync<long>("""SELECT count(*) FROM "JobRuns" WHERE "JobType" = 'alerts' AND "FinishedAt" IS NOT NULL""");

    private static string Tail(string log) => log.Length <= 4000 ? log : log[^4000..];

    [GeneratedRegex("Alert evaluation skipped: another node is evaluating")]
    private static partial Regex SkipLine();
}
