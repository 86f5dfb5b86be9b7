using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Analysis.Alerting;
using Portal.Data.Entities.Alerting;
using Portal.Web.Features.Alerts;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Tests.Alerting;

/// <summary>Rule validation (form and REST) and the 24-hour preview.</summary>
public sealed class AlertRuleTests : IDisposable
{
    private readonly AlertingTestHost host = new();

    public void Dispose() => host.Dispose();

    private Task<ValidationProblems> ValidateAsync(AlertRuleForm form) =>
        host.WithAsync<AlertRuleService, ValidationProblems>(s => s.ValidateAsync(form));

    [Fact]
    public async Task Validation_names_each_bad_field_with_a_clear_message()
    {
        await host.ModelAsync("churn");
        var errors = await ValidateAsync(new AlertRuleForm
        {
            Name = " ", Model = "nope", Metric = AlertMetric.ErrorRate, Threshold = 5, Window = "5 minutes", For = "-1m",
            KeepFiringFor = "8d", RepeatInterval = "10s", Labels = "team=ml\n9bad=x\nseverity=high", ChannelIds = [999],
        });

        Assert.Equal("Give the rule a name, e.g. HighErrorRate.", errors.Message("name"));
        Assert.Equal("There is no model \"nope\".", errors.Message("model"));
        Assert.Equal("The error rate is a fraction between 0 and 1 (e.g. 0.05 for 5 %).", errors.Message("threshold"));
        Assert.Equal("\"5 minutes\" is not a duration: write e.g. 30s, 5m, 1h or 1h30m.", errors.Message("window"));
        Assert.Contains("is not a duration", errors.Message("for"));
        Assert.Equal("8d is out of range: 0s resolves at once; at most 7d.", errors.Message("keepFiringFor"));
        Assert.Equal("10s is out of range: between 1m and 30d.", errors.Message("repeatInterval"));
        Assert.Contains("Line 2 \"9bad=x\"", errors.Message("labels"));
        Assert.Equal("A chosen channel no longer exists.", errors.Message("channelIds"));

        var feature = await ValidateAsync(new AlertRuleForm { Name = "Drifted", Model = "churn", Metric = AlertMetric.FeatureDriftScore, Threshold = 0.2 });
        Assert.Equal("The feature drift score needs a feature.", feature.Message(Assert.Single(feature.Paths)));

        Assert.Empty((await ValidateAsync(new AlertRuleForm { Name = "HighErrorRate", Model = "churn" })).Paths);
    }

    [Fact]
    public async Task A_name_has_one_rule_per_severity()
    {
        await host.ModelAsync("churn");
        await host.RuleAsync("HighErrorRate", "churn", 0.05, "5m", []);
        var errors = await ValidateAsync(new AlertRuleForm { Name = "HighErrorRate", Model = "churn", Severity = AlertSeverity.Warning });
        Assert.Contains("exists already", errors.Message("name"));
        Assert.Empty((await ValidateAsync(new AlertRuleForm { Name = "HighErrorRate", Model = "churn", Severity = AlertSeverity.Critical, Threshold = 0.2 })).Paths);
    }

    [Fact]
    public async Task Rest_api_answers_problem_json_naming_the_field_and_only_admins_write()
    {
        using var admin = host.Factory.CreateApiClient();
        var bad = await admin.PostAsJsonAsync("/api/v1/alert-rules", new { name = "X", metric = "errorRate", threshold = 2.5, window = "5m", @for = "1m", keepFiringFor = "0s", repeatInterval = "4h" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("threshold", problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));

        var ok = await admin.PostAsJsonAsync("/api/v1/alert-rules", new { name = "HighErrorRate", metric = "errorRate", threshold = 0.05, window = "5m", @for = "1m", keepFiringFor = "0s", repeatInterval = "4h" });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);

        var viewer = await host.Factory.SignInAsync("Viewer");
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/v1/alert-rules")).StatusCode); // as the rules page
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/v1/alert-rules/preview", new { name = "X" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/v1/alerts")).StatusCode);
    }

    [Fact]
    public async Task Preview_answers_every_bad_field_at_once()
    {
        using var admin = host.Factory.CreateApiClient();

        var bad = await admin.PostAsJsonAsync("/api/v1/alert-rules/preview", new { name = "", metric = "errorRate", threshold = 2.5, window = "5m", @for = "1m", keepFiringFor = "0s", repeatInterval = "4h" });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var fields = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("name", fields);
        Assert.Contains("threshold", fields);
    }

    [Fact]
    public async Task Preview_counts_how_often_the_rule_would_have_fired_in_the_last_24_hours()
    {
        var model = await host.ModelAsync("previewed");
        var now = AlertRuleService.MinuteFloor(DateTimeOffset.UtcNow);
        foreach (var hoursAgo in new[] { 20, 12, 4 })
        {
            await host.SeedTrafficAsync(model.Id, now.AddHours(-hoursAgo).AddMinutes(-30), 30, 0);
            await host.SeedTrafficAsync(model.Id, now.AddHours(-hoursAgo), 10, 0.5);
            await host.SeedTrafficAsync(model.Id, now.AddHours(-hoursAgo).AddMinutes(10), 30, 0);
        }

        await host.SeedTrafficAsync(model.Id, now.AddHours(-8), 1, 0.5); // a one-minute blip: shorter than the for-duration

        var form = new AlertRuleForm { Name = "HighErrorRate", Model = "previewed", Threshold = 0.05, Window = "1m", For = "3m" };
        var preview = await host.WithAsync<AlertRuleService, RulePreview>(s => s.PreviewAsync(form));
        Assert.Equal(3, preview.TimesFired);
        Assert.StartsWith("Would have fired 3 times", preview.Summary);
        Assert.Equal(1441, preview.Models.Single().Series.Count);

        form.For = "0s";
        Assert.Equal(4, (await host.WithAsync<AlertRuleService, RulePreview>(s => s.PreviewAsync(form))).TimesFired);

        using var admin = host.Factory.CreateApiClient();
        var answer = await admin.PostAsJsonAsync("/api/v1/alert-rules/preview", new { name = "HighErrorRate", model = "previewed", metric = "errorRate", threshold = 0.05, window = "1m", @for = "3m", keepFiringFor = "0s", repeatInterval = "4h" });
        Assert.Equal(3, (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("timesFired").GetInt32());
    }
}
