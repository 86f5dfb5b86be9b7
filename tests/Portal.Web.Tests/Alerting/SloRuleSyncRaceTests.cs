using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Slos;

namespace Portal.Web.Tests.Alerting;

/// <summary>
/// An SLO and its two alert rules are created together: the alert evaluation, which syncs the rules of every SLO, must
/// never see a new SLO without its rules and insert them a second time (the unique rule name then made the SLO's
/// POST answer 500 — seen in a loaded CI run).
/// </summary>
public sealed class SloRuleSyncRaceTests
{
    [Fact]
    public async Task Creating_slos_while_the_alert_evaluation_syncs_slo_rules_never_fails_and_gives_each_slo_two_rules()
    {
        using var host = new AlertingTestHost();
        await host.ModelAsync("slo-race");
        var client = host.Factory.CreateApiClient();
        using var stop = new CancellationTokenSource();
        var syncFailures = new List<Exception>();
        var syncs = 0;
        var evaluation = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await host.DbAsync(async db =>
                    {
                        await SloAlertRules.SyncAsync(db, null, DateTime.UtcNow, CancellationToken.None);
                        return 0;
                    });
                    syncs++;
                }
                catch (Exception e)
                {
                    syncFailures.Add(e);
                }
            }
        });

        var answers = new List<(HttpStatusCode Status, string Body)>();
        for (var i = 0; i < 25; i++)
        {
            var response = await client.PostAsJsonAsync("/api/v1/models/slo-race/slos", new { name = $"availability-{i}", kind = "availability", targetPercent = 99 });
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        await stop.CancelAsync();
        await evaluation;

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Created, a.Body));
        Assert.True(syncs > 0, "the concurrent sync never ran");
        Assert.Empty(syncFailures);
        var rulesPerSlo = await host.DbAsync(db => db.AlertRules.Where(r => r.SloId != null).GroupBy(r => r.SloId).Select(g => g.Count()).ToListAsync());
        Assert.Equal(25, rulesPerSlo.Count);
        Assert.All(rulesPerSlo, count => Assert.Equal(2, count));
    }
}
