using System.Net;
using System.Text.Json.Nodes;
using MathNet.Numerics.Distributions;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Experiments;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Experiments.ExperimentApi;
using static Portal.Web.Tests.Ingestion.IngestionApi;

namespace Portal.Web.Tests.Experiments;

/// <summary>GET …/assignment (deterministic hashing that honours the split) and POST …/observations (validation, storage).</summary>
public sealed class AssignmentAndObservationTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public void Assignment_position_is_sha256_of_experiment_and_unit_as_documented()
    {
        // Computed independently with Python: int.from_bytes(sha256(b"golden-exp:user-1").digest()[:8], "big") >> 11) / 2**53.
        Assert.Equal(0.0005318212283337287, ExperimentAssignment.Position("golden-exp", "user-1"));
        Assert.Equal(0.4079959606897442, ExperimentAssignment.Position("golden-exp", "user-2"));
        Assert.Equal(0.21557692615356994, ExperimentAssignment.Position("golden-exp", "user-3"));
    }

    [Theory]
    [InlineData(50, 50)]
    [InlineData(20, 80)]
    [InlineData(10, 30, 60)]
    public void Assignment_honours_the_split_within_the_binomial_band_over_100k_units(params int[] shares)
    {
        const int units = 100_000;
        var counts = new int[shares.Length];
        for (var u = 0; u < units; u++)
        {
            counts[ExperimentAssignment.Assign("split-test", "unit-" + u, shares.Select(s => (double)s).ToList())]++;
        }

        for (var i = 0; i < shares.Length; i++)
        {
            // 99.9 % band of each arm's binomial count (normal approximation, exact enough at n = 100,000).
            var p = shares[i] / 100.0;
            var margin = Normal.InvCDF(0, 1, 0.9995) * Math.Sqrt(units * p * (1 - p));
            Assert.InRange(counts[i], (units * p) - margin, (units * p) + margin);
        }
    }

    [Fact]
    public async Task Assignment_is_stable_across_calls_and_hosts_follows_the_split_and_falls_back_to_control_when_stopped()
    {
        var model = await CreateModelAsync(factory);
        var definition = Definition("golden-exp", model, controlShare: 20);
        using var admin = factory.CreateApiClient();
        await OkAsync(admin, HttpMethod.Post, "/api/v1/experiments", definition, HttpStatusCode.Created);
        var (draft, problem) = await SendAsync(admin, HttpMethod.Get, "/api/v1/experiments/golden-exp/assignment?unit=user-1");
        Assert.Equal(HttpStatusCode.Conflict, draft);
        Assert.Contains("draft", problem["detail"]!.GetValue<string>());
        await OkAsync(admin, HttpMethod.Post, "/api/v1/experiments/golden-exp/start");

        // 0.0005 < 0.2 → control; 0.41 and 0.22 ≥ 0.2 → treatment (positions from the golden test above).
        using var scoped = factory.CreateApiClient(PortalFactory.ScopedKey(model));
        var expected = new Dictionary<string, string> { ["user-1"] = "control", ["user-2"] = "treatment", ["user-3"] = "treatment" };
        foreach (var (unit, variant) in expected)
        {
            for (var call = 0; call < 3; call++)
            {
                var answer = await OkAsync(scoped, HttpMethod.Get, $"/api/v1/experiments/golden-exp/assignment?unit={unit}");
                Assert.Equal(variant, answer["variant"]!.GetValue<string>());
                Assert.Equal(variant == "control" ? "v1" : "v2", answer["modelVersion"]!.GetValue<string>());
                Assert.True(answer["active"]!.GetValue<bool>());
            }
        }

        // Another host (a restart, another node) with its own database answers the same.
        using var other = new PortalFactory();
        await CreateModelAsync(other);
        var otherModel = await CreateModelAsync(other);
        await StartAsync(other, Definition("golden-exp", otherModel, controlShare: 20));
        using var otherAdmin = other.CreateApiClient();
        foreach (var (unit, variant) in expected)
        {
            Assert.Equal(variant, (await OkAsync(otherAdmin, HttpMethod.Get, $"/api/v1/experiments/golden-exp/assignment?unit={unit}"))["variant"]!.GetValue<string>());
        }

        using var stranger = factory.CreateApiClient(PortalFactory.ScopedKey("another-model"));
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(stranger, HttpMethod.Get, "/api/v1/experiments/golden-exp/assignment?unit=user-1")).Status);
        var (missing, unitProblem) = await SendAsync(admin, HttpMethod.Get, "/api/v1/experiments/golden-exp/assignment");
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Contains("unit", unitProblem["detail"]!.GetValue<string>());

        await OkAsync(admin, HttpMethod.Post, "/api/v1/experiments/golden-exp/stop");
        var stopped = await OkAsync(admin, HttpMethod.Get, "/api/v1/experiments/golden-exp/assignment?unit=user-2");
        Assert.Equal("control", stopped["variant"]!.GetValue<string>());
        Assert.False(stopped["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Observations_are_validated_item_by_item_naming_index_and_field()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        var definition = Definition(id, model);
        definition["arms"]!.AsArray().Add(new JsonObject { ["name"] = "shadow-v3", ["modelVersion"] = "v3", ["shadow"] = true });
        definition["metrics"]!.AsArray().Add(new JsonObject { ["name"] = "revenue", ["role"] = "secondary", ["kind"] = "continuous" });
        definition["metrics"]!.AsArray().Add(new JsonObject { ["name"] = "errors", ["role"] = "guardrail", ["kind"] = "errorRate", ["bound"] = 0.01 });
        using var admin = factory.CreateApiClient();
        await OkAsync(admin, HttpMethod.Post, "/api/v1/experiments", definition, HttpStatusCode.Created);
        var body = """
            [{"unitId": "u1", "variant": "control", "value": 1},
             {"unitId": "u2", "variant": "treatment", "value": 2},
             {"variant": "nobody", "value": "x"},
             {"unitId": "u4", "variant": "shadow-v3", "value": 0},
             {"unitId": "u5", "variant": "control", "value": 3, "metric": "nope"},
             {"unitId": "u6", "variant": "control", "value": 3, "metric": "errors"},
             {"unitId": "u7", "variant": "treatment", "value": 12.5, "metric": "revenue", "covariate": 10, "timestamp": "2026-01-01T00:00:00Z"},
             {"unitId": "u8", "variant": "treatment", "value": 1, "covariate": "NaN"},
             42]
            """;
        var (notRunning, problem) = await SendAsync(admin, HttpMethod.Post, $"/api/v1/experiments/{id}/observations", JsonNode.Parse(body));
        Assert.Equal(HttpStatusCode.Conflict, notRunning);
        Assert.Contains("observations are accepted while it is running", problem["detail"]!.GetValue<string>());

        await OkAsync(admin, HttpMethod.Post, $"/api/v1/experiments/{id}/start");
        var answer = await PostOkAsync(admin, $"/api/v1/experiments/{id}/observations", body);
        Assert.Equal(2, answer["accepted"]!.GetValue<int>());
        Assert.Contains("value: 'checkout' is a conversion metric: the value must be 0 or 1", RejectedErrors(answer, 1));
        var third = RejectedErrors(answer, 2);
        Assert.Contains("unitId: is required", third);
        Assert.Contains("variant: 'nobody' is not an arm", third);
        Assert.Contains("value: must be a number", third);
        Assert.Contains("'shadow-v3' is a shadow arm", RejectedErrors(answer, 3));
        Assert.Contains("metric: 'nope' is not a metric", RejectedErrors(answer, 4));
        Assert.Contains("computed from the model's predictions", RejectedErrors(answer, 5));
        Assert.Contains("covariate: \"NaN\" is not a finite number", RejectedErrors(answer, 7));
        Assert.Contains("item: must be a JSON object", RejectedErrors(answer, 8));

        var stored = await WithDbAsync(factory, db => db.ExperimentObservations.Where(o => o.ExperimentId == id).OrderBy(o => o.UnitId).ToListAsync());
        Assert.Equal(["u1", "u7"], stored.Select(o => o.UnitId));
        Assert.Equal("checkout", stored[0].Metric);
        Assert.Equal(("revenue", 12.5, 10.0), (stored[1].Metric, stored[1].Value, stored[1].Covariate!.Value));
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), stored[1].At);

        var malformed = await PostJsonAsync(admin, $"/api/v1/experiments/{id}/observations", "[{\"unitId\": ");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
    }

    [Fact]
    public async Task A_repeated_unit_replaces_its_value_and_model_scoped_keys_may_send_only_their_model()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        await StartAsync(factory, Definition(id, model));
        using var scoped = factory.CreateApiClient(PortalFactory.ScopedKey(model));
        await PostOkAsync(scoped, $"/api/v1/experiments/{id}/observations", """[{"unitId": "u1", "variant": "control", "value": 0}, {"unitId": "u2", "variant": "treatment", "value": 0}]""");
        var again = await PostOkAsync(scoped, $"/api/v1/experiments/{id}/observations", """[{"unitId": "u1", "variant": "control", "value": 1}, {"unitId": "u1", "variant": "control", "value": 0}, {"unitId": "u2", "variant": "treatment", "value": 1}]""");
        Assert.Equal(3, again["accepted"]!.GetValue<int>());
        var stored = await WithDbAsync(factory, db => db.ExperimentObservations.Where(o => o.ExperimentId == id).OrderBy(o => o.UnitId).Select(o => o.Value).ToListAsync());
        Assert.Equal([0.0, 1.0], stored);

        using var stranger = factory.CreateApiClient(PortalFactory.ScopedKey("another-model"));
        var forbidden = await PostJsonAsync(stranger, $"/api/v1/experiments/{id}/observations", """[{"unitId": "u1", "variant": "control", "value": 1}]""");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PostJsonAsync(scoped, "/api/v1/experiments/no-such/observations", "[]")).Status);
    }
}
