using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.ScaleOut.Tests.Infrastructure;

namespace Portal.ScaleOut.Tests;

/// <summary>What a person sees in Chromium on one node while the other node ingests and runs jobs.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BrowsersAcrossNodesTests(ClusterFixture cluster, Xunit.Abstractions.ITestOutputHelper output)
{
    // Only a guard against hanging: how fast a change reaches a browser is not a unit-test assertion (rule 4 in docs/testing.md).
    private const int DeadlineMs = 30_000;

    // Records (Date.now()) the first moment the active-alerts panel names the rule: the panel re-renders in place.
    private const string WatchForAlert = """
        name => {
            window.alertSeenAt = null;
            const seen = () => {
                const panel = document.querySelector('[data-testid=active-alerts]');
                if (window.alertSeenAt === null && panel && panel.textContent.includes(name)) { window.alertSeenAt = Date.now(); }
            };
            new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, characterData: true });
            seen();
        }
        """;

    [Fact]
    public async Task A_browser_on_node_B_shows_a_prediction_ingested_on_node_A_without_reload()
    {
        var model = await cluster.CreateModelAsync(cluster.A, "seen");
        using var a = cluster.A.CreateClient(cluster.ApiKey);
        await Predictions.PostAsync(a, model, ["seen-1"], DateTimeOffset.UtcNow);

        var onB = await cluster.Browser.NewSignedInPageAsync(cluster.B, ClusterFixture.AdminEmail, cluster.AdminPassword);
        await ClusterBrowser.GotoInteractiveAsync(onB, $"/models/{model}?tab=health");
        await onB.WaitForFunctionAsync("() => document.querySelector('[data-testid=card-traffic-detail]')?.textContent === '1 predictions in 1 hour'");
        await onB.EvaluateAsync("() => window.portalNoReload = true");

        await Predictions.PostAsync(a, model, ["seen-2"], DateTimeOffset.UtcNow);
        await onB.WaitForFunctionAsync(
            "() => document.querySelector('[data-testid=card-traffic-detail]')?.textContent === '2 predictions in 1 hour'",
            null, new PageWaitForFunctionOptions { Timeout = DeadlineMs });

        Assert.True(await onB.EvaluateAsync<bool>("() => window.portalNoReload === true"), "the page on node B was reloaded");
        await ClusterBrowser.ScreenshotAsync(onB, "node-b-health-tab-live");
        await onB.Context.CloseAsync();
    }

    /// <summary>
    /// Both nodes read one Data Protection key ring (in PostgreSQL), so the sign-in cookie node A issued opens pages on
    /// node B (loopback cookies are shared across ports, as they would be behind one balancer address).
    /// </summary>
    [Fact]
    public async Task A_sign_in_on_node_A_is_valid_on_node_B()
    {
        var page = await cluster.Browser.NewSignedInPageAsync(cluster.A, ClusterFixture.AdminEmail, cluster.AdminPassword);
        await ClusterBrowser.GotoInteractiveAsync(page, cluster.B.BaseUrl + "/alerts");

        Assert.Equal(new Uri(cluster.B.BaseUrl + "/alerts"), new Uri(page.Url));
        Assert.Contains(ClusterFixture.AdminEmail, await page.InnerTextAsync("header"));
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// The alert evaluation is a recurring Hangfire job on the shared PostgreSQL storage: whichever node takes an
    /// occurrence runs it (its job run records the node). Browsers are open on both nodes; the one on the other node
    /// must show the alert, without a reload, after the evaluation that fired it.
    /// </summary>
    [Fact]
    public async Task A_browser_on_the_other_node_shows_an_alert_fired_by_a_job()
    {
        var model = await cluster.CreateModelAsync(cluster.A, "alert");
        var rule = $"Errors-{model}";
        using var a = cluster.A.CreateClient(cluster.ApiKey);
        var created = await a.PostAsJsonAsync("/api/v1/alert-rules", new
        {
            name = rule, model, metric = "errorRate", comparator = "greaterThan", threshold = 0.5, window = "1m", @for = "0s",
            keepFiringFor = "0s", severity = "critical", repeatInterval = "4h",
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var ruleId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        var pages = new Dictionary<string, IPage>();
        foreach (var portal in new[] { cluster.A, cluster.B })
        {
            var page = await cluster.Browser.NewSignedInPageAsync(portal, ClusterFixture.AdminEmail, cluster.AdminPassword);
            await ClusterBrowser.GotoInteractiveAsync(page, $"/models/{model}?tab=health");
            await page.WaitForSelectorAsync("[data-testid=active-alerts]");
            await page.EvaluateAsync(WatchForAlert, rule);
            pages[portal.Name] = page;
        }

        var posted = await a.PostAsJsonAsync($"/api/v1/models/{model}/predictions", Enumerable.Range(0, 20).Select(i => new
        {
            predictionId = $"failed-{i}",
            timestamp = DateTimeOffset.UtcNow.ToString("O"),
            modelVersion = "v1",
            error = "timeout",
            latencyMs = 30.0,
        }));
        Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());

        var fired = await FiringAsync(ruleId, TimeSpan.FromSeconds(120));
        Assert.True(fired is not null, $"the rule did not fire within 120 s (evaluated every {ClusterFixture.AlertEvaluationSeconds} s)\n{await DiagnosisAsync(ruleId)}");
        var (firedAt, node) = fired.Value;
        Assert.Contains(node, pages.Keys);
        var other = pages.Single(p => p.Key != node);

        await other.Value.WaitForFunctionAsync("() => window.alertSeenAt !== null", null, new PageWaitForFunctionOptions { Timeout = DeadlineMs });
        var seenAt = DateTimeOffset.FromUnixTimeMilliseconds(await other.Value.EvaluateAsync<long>("() => window.alertSeenAt"));
        output.WriteLine($"the job ran on node {node}; node {other.Key}'s browser showed the alert {(seenAt - firedAt).TotalMilliseconds:F0} ms after the evaluation began");
        Assert.Contains("critical", await other.Value.InnerTextAsync("[data-testid=active-alerts]"), StringComparison.OrdinalIgnoreCase);
        await ClusterBrowser.ScreenshotAsync(other.Value, $"node-{other.Key.ToLowerInvariant()}-alert-fired-on-node-{node.ToLowerInvariant()}");
        foreach (var page in pages.Values)
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>What a failure needs to be explained: the recent alert evaluations, the rule's alerts, both nodes' log tails.</summary>
    private async Task<string> DiagnosisAsync(int ruleId)
    {
        var lines = new List<string> { "alert evaluations of the last 3 minutes (node, started, finished, outcome, summary or error):" };
        await using var connection = await cluster.Postgres.OpenAsync();
        await using (var runs = new Npgsql.NpgsqlCommand("""
            SELECT "Node", "StartedAt", "FinishedAt", "Outcome", coalesce("Summary", "Error", '') FROM "JobRuns"
            WHERE "JobType" = 'alerts' AND "StartedAt" > now() - interval '3 minutes' ORDER BY "StartedAt"
            """, connection))
        await using (var reader = await runs.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lines.Add($"  {reader.GetValue(0)} {reader.GetValue(1):O} {reader.GetValue(2):O} {reader.GetValue(3)} {reader.GetValue(4)}");
            }
        }

        lines.Add("the rule's alerts (state, last evaluated, value):");
        await using (var alerts = new Npgsql.NpgsqlCommand("""
            SELECT "State", "LastEvaluatedAt", "LastValue" FROM "Alerts" WHERE "RuleId" = @rule
            """, connection))
        {
            alerts.Parameters.AddWithValue("rule", ruleId);
            await using var reader = await alerts.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lines.Add($"  {reader.GetValue(0)} {reader.GetValue(1):O} {reader.GetValue(2)}");
            }
        }

        static string Tail(string log) => log.Length <= 3000 ? log : log[^3000..];
        lines.Add($"node A log:\n{Tail(cluster.A.Log)}\nnode B log:\n{Tail(cluster.B.Log)}");
        return string.Join('\n', lines);
    }

    /// <summary>When the rule's alert went to Firing (the evaluation's time) and the node whose alert job run did it.</summary>
    private async Task<(DateTimeOffset At, string Node)?> FiringAsync(int ruleId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            await using var connection = await cluster.Postgres.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("""
                SELECT s."At", (SELECT r."Node" FROM "JobRuns" r WHERE r."JobType" = 'alerts' AND r."StartedAt" >= s."At" ORDER BY r."StartedAt" LIMIT 1)
                FROM "AlertStateChanges" s JOIN "Alerts" a ON a."Id" = s."AlertId"
                WHERE a."RuleId" = @rule AND s."To" = 'Firing'
                ORDER BY s."At" LIMIT 1
                """, connection);
            command.Parameters.AddWithValue("rule", ruleId);
            await using var reader = await command.ExecuteReaderAsync();
            if (await reader.ReadAsync() && !reader.IsDBNull(1))
            {
                return (new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc)), reader.GetString(1));
            }
        }

        return null;
    }
}
