using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Experiments.ExperimentApi;

namespace Portal.Web.Tests.Experiments;

/// <summary>Definitions, roles, the draft → running → stopped → concluded lifecycle and the edits it refuses.</summary>
public sealed class ExperimentLifecycleTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Product_owner_creates_an_experiment_and_gets_its_plan_viewers_and_engineers_may_only_read()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        var owner = await factory.SignInAsync(PortalRoles.ProductOwner);
        var created = await OkAsync(owner, HttpMethod.Post, "/api/v1/experiments", Definition(id, model), HttpStatusCode.Created);
        Assert.Equal("draft", created["state"]!.GetValue<string>());
        Assert.Equal(Portal.Analysis.Experiments.ExperimentStatistics.SampleSizePerVariant(0.5, 0.5, 0.8, 0.05), created["requiredPerVariant"]!.GetValue<long>());
        Assert.Equal("draft", created["lifecycle"]![0]!["to"]!.GetValue<string>());

        foreach (var role in new[] { PortalRoles.Viewer, PortalRoles.Engineer })
        {
            var client = await factory.SignInAsync(role);
            var (status, _) = await SendAsync(client, HttpMethod.Post, "/api/v1/experiments", Definition(NewId(), model));
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(client, HttpMethod.Post, $"/api/v1/experiments/{id}/start")).Status);
            var read = await OkAsync(client, HttpMethod.Get, $"/api/v1/experiments/{id}");
            Assert.Equal(id, read["id"]!.GetValue<string>());
        }

        var audited = await WithDbAsync(factory, db => db.AuditEntries.AnyAsync(a => a.EntityType == "Experiment" && a.EntityId == id && a.Action == "create"));
        Assert.True(audited);
    }

    [Fact]
    public async Task Lifecycle_moves_forward_with_who_and_when_and_refuses_other_transitions_naming_the_state()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        var (user, owner) = await factory.SignInNewUserAsync(PortalRoles.ProductOwner);
        await OkAsync(owner, HttpMethod.Post, "/api/v1/experiments", Definition(id, model), HttpStatusCode.Created);

        await Refused(owner, $"/api/v1/experiments/{id}/stop", "only a running experiment can be stopped");
        await Refused(owner, $"/api/v1/experiments/{id}/conclude", "only a stopped experiment can be concluded");
        Assert.Equal("running", (await OkAsync(owner, HttpMethod.Post, $"/api/v1/experiments/{id}/start"))["state"]!.GetValue<string>());
        await Refused(owner, $"/api/v1/experiments/{id}/start", "only a draft can be started");
        await Refused(owner, $"/api/v1/experiments/{id}/conclude", "stop it before concluding it");
        Assert.Equal("stopped", (await OkAsync(owner, HttpMethod.Post, $"/api/v1/experiments/{id}/stop", new JsonObject { ["note"] = "enough data" }))["state"]!.GetValue<string>());
        var concluded = await OkAsync(owner, HttpMethod.Post, $"/api/v1/experiments/{id}/conclude", new JsonObject { ["note"] = "Ship v2" });
        Assert.Equal("concluded", concluded["state"]!.GetValue<string>());
        Assert.Equal("Ship v2", concluded["conclusion"]!.GetValue<string>());
        Assert.NotNull(concluded["startedAt"]);
        Assert.NotNull(concluded["stoppedAt"]);
        Assert.NotNull(concluded["concludedAt"]);

        var lifecycle = concluded["lifecycle"]!.AsArray();
        Assert.Equal(["draft", "running", "stopped", "concluded"], lifecycle.Select(l => l!["to"]!.GetValue<string>()));
        Assert.Equal([null, "draft", "running", "stopped"], lifecycle.Select(l => l!["from"]?.GetValue<string>()));
        Assert.All(lifecycle, l => Assert.Equal(user.Email, l!["by"]!.GetValue<string>()));
        Assert.Equal("enough data", lifecycle[2]!["note"]!.GetValue<string>());

        var actions = await WithDbAsync(factory, db => db.AuditEntries.Where(a => a.EntityId == id).Select(a => a.Action).ToListAsync());
        Assert.Equal(["conclude", "create", "start", "stop"], actions.Order());

        // A stopped experiment was analysed once more when it stopped (here: no data, keep running).
        Assert.Equal(1, await AnalysisCountAsync(factory, id));
        await Refused(owner, $"/api/v1/experiments/{id}", "concluded", HttpMethod.Delete);
    }

    [Fact]
    public async Task Editing_the_split_or_metrics_of_a_running_experiment_is_refused_with_the_field_and_reason()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        var definition = Definition(id, model);
        await StartAsync(factory, definition);
        using var admin = factory.CreateApiClient();

        var split = (JsonObject)definition.DeepClone();
        split["arms"]![0]!["share"] = 60;
        split["arms"]![1]!["share"] = 40;
        var (status, problem) = await SendAsync(admin, HttpMethod.Put, $"/api/v1/experiments/{id}", split);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("arms[0].share", problem["field"]!.GetValue<string>());
        Assert.Contains("split is fixed once units are assigned", problem["detail"]!.GetValue<string>());
        Assert.Contains("running", problem["detail"]!.GetValue<string>());

        var metric = (JsonObject)definition.DeepClone();
        metric["metrics"]![0]!["kind"] = "continuous";
        metric["baselineStdDev"] = 1;
        (status, problem) = await SendAsync(admin, HttpMethod.Put, $"/api/v1/experiments/{id}", metric);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("metrics[0].kind", problem["field"]!.GetValue<string>());

        var added = (JsonObject)definition.DeepClone();
        added["metrics"]!.AsArray().Add(new JsonObject { ["name"] = "errors", ["role"] = "guardrail", ["kind"] = "errorRate", ["bound"] = 0.01 });
        Assert.Equal("metrics", (await SendAsync(admin, HttpMethod.Put, $"/api/v1/experiments/{id}", added)).Body["field"]!.GetValue<string>());

        // Name and hypothesis may still change.
        var renamed = (JsonObject)definition.DeepClone();
        renamed["name"] = "Renamed while running";
        Assert.Equal("Renamed while running", (await OkAsync(admin, HttpMethod.Put, $"/api/v1/experiments/{id}", renamed))["name"]!.GetValue<string>());
        await Refused(admin, $"/api/v1/experiments/{id}", "only drafts can be deleted", HttpMethod.Delete);
    }

    [Fact]
    public async Task Drafts_can_be_edited_freely_and_deleted()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        using var admin = factory.CreateApiClient();
        var definition = Definition(id, model);
        await OkAsync(admin, HttpMethod.Post, "/api/v1/experiments", definition, HttpStatusCode.Created);
        definition["arms"]![0]!["share"] = 20;
        definition["arms"]![1]!["share"] = 80;
        var updated = await OkAsync(admin, HttpMethod.Put, $"/api/v1/experiments/{id}", definition);
        Assert.Equal(80, updated["arms"]![1]!["share"]!.GetValue<double>());
        await OkAsync(admin, HttpMethod.Delete, $"/api/v1/experiments/{id}", expected: HttpStatusCode.NoContent);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(admin, HttpMethod.Get, $"/api/v1/experiments/{id}")).Status);
    }

    [Fact]
    public async Task Invalid_definitions_are_refused_with_every_problem_by_field()
    {
        var model = await CreateModelAsync(factory);
        using var admin = factory.CreateApiClient();
        var bad = Definition("bad id!", "no-such-model");
        bad["arms"]![0]!["share"] = 70;
        bad["arms"]!.AsArray().Add(new JsonObject { ["name"] = "control", ["modelVersion"] = "v3", ["share"] = 10, ["control"] = true });
        bad["metrics"]!.AsArray().Add(new JsonObject { ["name"] = "p99", ["role"] = "guardrail", ["kind"] = "latencyP99" });
        bad["baselineValue"] = 1.5;
        var (status, problem) = await SendAsync(admin, HttpMethod.Post, "/api/v1/experiments", bad);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = problem["errors"]!.AsObject();
        Assert.Contains("id", errors.Select(e => e.Key));
        Assert.Contains("there is no model 'no-such-model'", errors["model"]![0]!.GetValue<string>());
        Assert.Contains("'control' is used by another arm", errors["arms[2].name"]![0]!.GetValue<string>());
        Assert.Contains(errors["arms"]!.AsArray(), e => e!.GetValue<string>().Contains("exactly one arm must be the control"));
        Assert.Contains(errors["arms"]!.AsArray(), e => e!.GetValue<string>().Contains("add up to 130 %"));
        Assert.Contains("needs a margin relative to control", errors["metrics[1].bound"]![0]!.GetValue<string>());

        var noBaseline = Definition(NewId(), model);
        noBaseline["baselineValue"] = 1.5;
        (status, problem) = await SendAsync(admin, HttpMethod.Post, "/api/v1/experiments", noBaseline);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("between 0 and 1", problem["errors"]!["baselineValue"]![0]!.GetValue<string>());

        var percentilePrimary = Definition(NewId(), model);
        percentilePrimary["metrics"]![0]!["kind"] = "latencyP99";
        (_, problem) = await SendAsync(admin, HttpMethod.Post, "/api/v1/experiments", percentilePrimary);
        Assert.Contains("cannot be the primary metric", problem["errors"]!["metrics[0].kind"]![0]!.GetValue<string>());

        var taken = Definition(NewId(), model);
        await OkAsync(admin, HttpMethod.Post, "/api/v1/experiments", taken, HttpStatusCode.Created);
        (status, problem) = await SendAsync(admin, HttpMethod.Post, "/api/v1/experiments", taken);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("is taken", problem["errors"]!["id"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Plan_endpoint_measures_the_traffic_rate_over_the_time_the_model_has_traffic_not_a_24_hour_sum()
    {
        // 200 predictions, the first 4 hours ago: 1,200 a day, not "200 in the last 24 h".
        var model = await CreateModelAsync(factory);
        using var admin = factory.CreateApiClient();
        var first = DateTimeOffset.UtcNow.AddHours(-4);
        var predictions = Enumerable.Range(0, 200).Select(i => new
        {
            predictionId = $"p{i}", prediction = 1, score = 0.9, timestamp = (i == 0 ? first : DateTimeOffset.UtcNow.AddMinutes(-i % 60)).ToString("O"),
        });
        await Ingestion.IngestionApi.PostOkAsync(admin, $"/api/v1/models/{model}/predictions", System.Text.Json.JsonSerializer.Serialize(predictions));
        var plan = await OkAsync(admin, HttpMethod.Post, "/api/v1/experiments/plan", Definition(NewId(), model, controlShare: 20));
        var required = Portal.Analysis.Experiments.ExperimentStatistics.SampleSizePerVariant(0.5, 0.5, 0.8, 0.05);
        Assert.Equal(required, plan["requiredPerVariant"]!.GetValue<long>());
        Assert.Equal(2 * required, plan["totalUnits"]!.GetValue<long>());
        // Measured from the first prediction's minute (up to a minute more than 4 h) to now.
        var perDay = plan["requestsPerDay"]!.GetValue<double>();
        Assert.InRange(perDay, 200 / (241.5 / 1440), 200 / (239.0 / 1440));
        // The 20 % arm sets the pace: required / (rate × 0.2) days.
        Assert.Equal(required / (perDay * 0.2), plan["days"]!.GetValue<double>(), 9);
    }

    private static async Task Refused(HttpClient client, string path, string reason, HttpMethod? method = null)
    {
        var (status, problem) = await SendAsync(client, method ?? HttpMethod.Post, path);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("state", problem["field"]!.GetValue<string>());
        Assert.Contains(reason, problem["detail"]!.GetValue<string>());
    }
}
