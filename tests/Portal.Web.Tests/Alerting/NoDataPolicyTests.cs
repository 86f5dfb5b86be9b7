using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portal.Web.Features.Alerts;

namespace Portal.Web.Tests.Alerting;

/// <summary>A rule's no-data policy is stored (over REST, as the form has it) and the evaluator honours it.</summary>
public sealed class NoDataPolicyTests
{
    /// <param name="afterFiring">The state after a firing alert meets an evaluation without data.</param>
    /// <param name="neverData">The state of a model that never had data.</param>
    [Theory]
    [InlineData("resolve", "Resolved", "Inactive")]
    [InlineData("keepState", "Firing", "Inactive")]
    [InlineData("alert", "Firing", "Firing")]
    public async Task An_evaluation_without_data_follows_the_rules_no_data_policy(string policy, string afterFiring, string neverData)
    {
        using var host = new AlertingTestHost();
        var t = host.BaseTime;
        var failing = await host.ModelAsync("went-quiet");
        var silent = await host.ModelAsync("never-spoke");
        await host.SeedTrafficAsync(failing.Id, t, 3, 0.5);
        var client = host.Factory.CreateApiClient();
        var created = await client.PostAsJsonAsync("/api/v1/alert-rules", new
        {
            name = "ErrorsOrSilence", metric = "errorRate", comparator = "greaterThan", threshold = 0.05, window = "5m", @for = "0s",
            keepFiringFor = "0s", severity = "warning", repeatInterval = "4h", noData = policy, channelIds = Array.Empty<int>(),
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(policy, (string?)(await created.Content.ReadFromJsonAsync<JsonNode>())!["noData"]);

        await host.EvaluateAsync(t.AddMinutes(2));
        Assert.Equal("Firing", (await host.AlertsAsync()).Single(a => a.ModelId == failing.Id).State);

        await host.EvaluateAsync(t.AddMinutes(20)); // the 5-minute window has no traffic now
        var alerts = await host.AlertsAsync();
        Assert.Equal(afterFiring, alerts.Single(a => a.ModelId == failing.Id).State);
        Assert.Equal(neverData, alerts.Single(a => a.ModelId == silent.Id).State);
    }
}
