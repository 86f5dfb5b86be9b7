using System.Text.Json.Nodes;

namespace Portal.Web.Tests.Fuzz;

/// <summary>One write route under /api and how to call it: a concrete path and, when it takes JSON, a valid body to mutate.</summary>
public sealed record FuzzTarget(string Method, string Pattern, string Path, string? Template, bool IgnoresBody = false)
{
    public override string ToString() => $"{Method} {Pattern}";

    public JsonNode? TemplateNode => Template is null ? null : JsonNode.Parse(Template);
}

/// <summary>
/// Every POST/PUT/PATCH/DELETE route under /api with the request the fuzz suite sends it. A new write route fails
/// <see cref="WriteEndpointFuzzTests.Every_write_route_under_api_has_fuzz_coverage"/> until it is listed here.
/// </summary>
public static class FuzzTargets
{
    public const string Model = "fuzz";
    public const string Experiment = "fuzz-exp";

    public static readonly FuzzTarget[] All =
    [
        new("POST", "/api/v1/models/{model}/predictions", $"/api/v1/models/{Model}/predictions",
            """[{"predictionId": "p1", "timestamp": "2026-01-01T00:00:00Z", "modelVersion": "v1", "segment": "web", "prediction": 1, "score": 0.7, "latencyMs": 12.5, "probabilities": {"0": 0.3, "1": 0.7}, "features": {"amount": 12.5, "country": "DE", "extra": "x"}}]"""),
        new("POST", "/api/v1/models/{model}/feedback", $"/api/v1/models/{Model}/feedback",
            """[{"predictionId": "seed-1", "label": 1, "timestamp": "2026-01-01T00:00:00Z"}]"""),
        new("PUT", "/api/v1/models/{model}/reference", $"/api/v1/models/{Model}/reference",
            """{"columns": {"amount": [1, 2.5, null], "country": ["DE", "FR", "DE"]}}"""),
        new("POST", "/api/v1/resources", "/api/v1/resources",
            """[{"host": "h1", "model": "fuzz", "cpuPercent": 50, "memoryBytes": 1000, "memoryPercent": 10, "gpuPercent": 1, "gpuMemoryBytes": 5}]"""),
        new("PUT", "/api/v1/models/{model}", $"/api/v1/models/{Model}",
            """{"taskType": "binary", "description": "d", "owner": "o", "lowConfidenceThreshold": 0.6, "versions": ["v1", {"version": "v2", "description": "two"}], "features": [{"name": "amount", "type": "numerical", "min": 0, "max": 1000, "importance": 0.5}, {"name": "country", "type": "categorical", "categories": ["DE", "FR"]}]}"""),
        new("POST", "/api/v1/analysis/drift", "/api/v1/analysis/drift",
            """{"reference": {"a": [1, 2, 3, 4], "c": ["x", "y", "x", "y"]}, "current": {"a": [2, 3, 4, 5], "c": ["x", "x", "y", "y"]}, "columnTypes": {"c": "categorical"}, "tests": {"a": ["ks"]}, "thresholds": {"ks": 0.05}, "driftShare": 0.5}"""),
        new("POST", "/api/v1/analysis/drift/csv", "/api/v1/analysis/drift/csv", null),
        new("POST", "/api/v1/analysis/classification", "/api/v1/analysis/classification",
            """{"yTrue": [0, 1, 1, 0], "yPred": [0, 1, 0, 0], "yScore": [0.1, 0.9, 0.4, 0.2]}"""),
        new("POST", "/api/v1/analysis/regression", "/api/v1/analysis/regression", """{"yTrue": [1, 2, 3], "yPred": [1.5, 2, 2.5]}"""),
        new("POST", "/api/v1/analysis/experiment", "/api/v1/analysis/experiment", """{"kind": "srm", "observed": [100, 90], "split": [0.5, 0.5], "alpha": 0.05}"""),
        new("POST", "/api/v1/alert-rules", "/api/v1/alert-rules",
            """{"name": "fuzz rule", "description": "d", "model": "fuzz", "metric": "errorRate", "comparator": "greaterThan", "threshold": 0.1, "window": "5m", "for": "5m", "keepFiringFor": "0s", "severity": "warning", "labels": "team=ml", "repeatInterval": "4h", "channelIds": [], "enabled": true}"""),
        new("POST", "/api/v1/alert-rules/preview", "/api/v1/alert-rules/preview",
            """{"name": "fuzz rule", "model": "fuzz", "metric": "errorRate", "comparator": "greaterThan", "threshold": 0.1, "window": "5m", "for": "5m", "severity": "warning"}"""),
        new("PUT", "/api/v1/alert-rules/{id:int}", "/api/v1/alert-rules/987654",
            """{"name": "fuzz rule", "model": "fuzz", "metric": "errorRate", "comparator": "greaterThan", "threshold": 0.1, "window": "5m", "for": "5m", "severity": "warning", "channelIds": []}"""),
        new("DELETE", "/api/v1/alert-rules/{id:int}", "/api/v1/alert-rules/987654", null, IgnoresBody: true),
        new("POST", "/api/v1/alert-rules/{id:int}/enable", "/api/v1/alert-rules/987654/enable", null, IgnoresBody: true),
        new("POST", "/api/v1/alert-rules/{id:int}/disable", "/api/v1/alert-rules/987654/disable", null, IgnoresBody: true),
        new("POST", "/api/v1/alerts/{id:long}/acknowledge", "/api/v1/alerts/987654/acknowledge", """{"comment": "looking"}"""),
        new("POST", "/api/v1/alerts/{id:long}/unacknowledge", "/api/v1/alerts/987654/unacknowledge", null, IgnoresBody: true),
        new("POST", "/api/v1/channels", "/api/v1/channels",
            """{"name": "fuzz channel", "kind": "webhook", "url": "https://example.invalid/hook", "bearerToken": "t", "sendResolved": true, "enabled": true}"""),
        new("PUT", "/api/v1/channels/{id:int}", "/api/v1/channels/987654",
            """{"name": "fuzz channel", "kind": "email", "smtpHost": "smtp.example.invalid", "smtpPort": 587, "from": "a@example.invalid", "to": "b@example.invalid"}"""),
        new("DELETE", "/api/v1/channels/{id:int}", "/api/v1/channels/987654", null, IgnoresBody: true),
        new("POST", "/api/v1/channels/{id:int}/test", "/api/v1/channels/987654/test", null, IgnoresBody: true),
        new("POST", "/api/v1/silences", "/api/v1/silences",
            """{"matchers": [{"name": "alertname", "op": "=", "value": "HighErrorRate"}, {"name": "model", "op": "=~", "value": "fu.*"}], "startsAt": "2026-01-01T00:00:00Z", "endsAt": "2026-01-01T02:00:00Z", "comment": "fuzz"}"""),
        new("POST", "/api/v1/silences/{id:int}/expire", "/api/v1/silences/987654/expire", null, IgnoresBody: true),
        new("POST", "/api/v1/runbooks", "/api/v1/runbooks", """{"title": "Fuzz runbook", "markdown": "# Do\n1. this", "tags": ["fuzz", "ops"]}"""),
        new("PUT", "/api/v1/runbooks/{id:int}", "/api/v1/runbooks/987654", """{"title": "Fuzz runbook", "markdown": "# Do", "tags": []}"""),
        new("DELETE", "/api/v1/runbooks/{id:int}", "/api/v1/runbooks/987654", null, IgnoresBody: true),
        new("POST", "/api/v1/api-keys", "/api/v1/api-keys", """{"name": "fuzz key", "scope": "fuzz"}"""),
        new("DELETE", "/api/v1/api-keys/{id:int}", "/api/v1/api-keys/987654", null, IgnoresBody: true),
        new("POST", "/api/v1/experiments/plan", "/api/v1/experiments/plan", ExperimentDefinition("fuzz-plan")),
        new("POST", "/api/v1/experiments", "/api/v1/experiments", ExperimentDefinition("fuzz-new")),
        new("PUT", "/api/v1/experiments/{id}", "/api/v1/experiments/fuzz-missing", ExperimentDefinition("fuzz-missing")),
        new("DELETE", "/api/v1/experiments/{id}", "/api/v1/experiments/fuzz-missing", null, IgnoresBody: true),
        new("POST", "/api/v1/experiments/{id}/start", "/api/v1/experiments/fuzz-missing/start", null, IgnoresBody: true),
        new("POST", "/api/v1/experiments/{id}/stop", "/api/v1/experiments/fuzz-missing/stop", """{"note": "n"}"""),
        new("POST", "/api/v1/experiments/{id}/conclude", "/api/v1/experiments/fuzz-missing/conclude", """{"note": "n"}"""),
        new("POST", "/api/v1/experiments/{id}/analyses", "/api/v1/experiments/fuzz-missing/analyses", null, IgnoresBody: true),
        new("POST", "/api/v1/experiments/{id}/observations", $"/api/v1/experiments/{Experiment}/observations",
            """[{"unitId": "u1", "variant": "control", "value": 1, "metric": "checkout", "covariate": 2, "timestamp": "2026-01-01T00:00:00Z"}]"""),
        new("POST", "/api/v1/models/{model}/drift/run", $"/api/v1/models/{Model}/drift/run", null, IgnoresBody: true),
        new("POST", "/api/v1/models/{model}/drift/reports", $"/api/v1/models/{Model}/drift/reports",
            """{"name": "n", "referenceName": "training", "currentName": "last week", "reference": {"a": [1, 2, 3, 4], "c": ["x", "y", "x", "y"]}, "current": {"a": [2, 3, 4, 5], "c": ["x", "x", "y", "y"]}, "columnTypes": {"c": "categorical"}, "tests": {"a": ["ks"]}, "thresholds": {"ks": 0.05}, "driftShare": 0.5}"""),
        new("DELETE", "/api/v1/models/{model}/drift/reports/{id:int}", $"/api/v1/models/{Model}/drift/reports/987654", null, IgnoresBody: true),
        new("PUT", "/api/v1/models/{model}/drift/settings", $"/api/v1/models/{Model}/drift/settings",
            """{"cron": "0 * * * *", "enabled": true, "window": "fixed", "fixedStart": "2026-01-01T00:00:00Z", "fixedEnd": "2026-01-02T00:00:00Z", "driftShare": 0.5, "minSampleSize": 10, "features": {"amount": {"test": "ks", "threshold": 0.05}}, "severity": {"psi": {"info": 0.1, "warning": 0.2, "critical": 0.3}}, "benjaminiHochberg": false}"""),
        new("PUT", "/api/v1/models/{model}/fairness/settings", $"/api/v1/models/{Model}/fairness/settings", """{"attributes": ["country"], "minGroupSize": 10}"""),
        new("POST", "/api/v1/models/{model}/fairness/run", $"/api/v1/models/{Model}/fairness/run", null, IgnoresBody: true),
        new("POST", "/api/v1/models/{model}/quality/run", $"/api/v1/models/{Model}/quality/run", null, IgnoresBody: true),
        new("POST", "/api/v1/models/{model}/slos", $"/api/v1/models/{Model}/slos",
            """{"name": "latency", "kind": "latency", "targetPercent": 99, "windowDays": 7, "latencyBoundMs": 200, "enabled": true}"""),
        new("PUT", "/api/v1/models/{model}/slos/{id:int}", $"/api/v1/models/{Model}/slos/987654",
            """{"name": "latency", "kind": "latency", "targetPercent": 99, "windowDays": 7, "latencyBoundMs": 200}"""),
        new("DELETE", "/api/v1/models/{model}/slos/{id:int}", $"/api/v1/models/{Model}/slos/987654", null, IgnoresBody: true),
    ];

    public static string ExperimentDefinition(string id) => $$"""
        {"id": "{{id}}", "name": "Fuzz {{id}}", "hypothesis": "h", "model": "{{Model}}", "unitType": "user",
         "arms": [{"name": "control", "modelVersion": "v1", "share": 50, "control": true}, {"name": "treatment", "modelVersion": "v2", "share": 50}],
         "metrics": [{"name": "checkout", "role": "primary", "kind": "conversion"}],
         "alpha": 0.05, "power": 0.8, "minimumDetectableEffect": 0.5, "baselineValue": 0.5, "looks": 1}
        """;
}
