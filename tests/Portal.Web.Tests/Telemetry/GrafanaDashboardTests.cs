using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Jobs.JobsTestData;

namespace Portal.Web.Tests.Telemetry;

/// <summary>
/// docker/grafana: the dashboard is valid JSON, every PromQL query parses (promtool) and names only metrics a running
/// portal exports on /metrics, and compose provisions it beside Prometheus.
/// </summary>
public sealed partial class GrafanaDashboardTests
{
    private const string Promtool = "/usr/bin/promtool";
    private static readonly string Dashboard = RepositoryFiles.PathOf("docker", "grafana", "dashboards", "portal-ml.json");

    [Fact]
    public async Task Every_dashboard_query_parses_as_promql_and_names_only_metrics_the_portal_exports()
    {
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Dashboard));
        var queries = Exprs(dashboard.RootElement.GetProperty("panels")).ToList();
        var variable = Variable(dashboard.RootElement, "model").GetProperty("definition").GetString()!;
        var exported = await ExportedMetricNamesAsync();

        Assert.True(queries.Count >= 10, $"only {queries.Count} queries");
        foreach (var query in queries.Append(variable))
        {
            var names = MetricNames(query);
            Assert.True(names.Count > 0, $"names no metric: {query}");
            Assert.All(names, name => Assert.True(exported.Contains(name), $"{name} is not on /metrics (query: {query})"));
        }

        // promtool parses expressions in rule files: one recording rule per query, Grafana's variables filled in.
        var rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        foreach (var (query, index) in queries.Select((q, i) => (q, i)))
        {
            rules.Append($"      - record: dashboard:query_{index}\n        expr: |-\n          {WithVariablesFilledIn(query)}\n");
        }

        var file = Path.Combine(Path.GetTempPath(), $"portal-dashboard-rules-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, rules.ToString());
        try
        {
            var (exit, output) = await ExternalTool.RunAsync(ExternalTool.Require(Promtool), ["check", "rules", file]);
            Assert.True(exit == 0, $"promtool check rules failed ({exit}):\n{output}\n{rules}");
            Assert.Contains($"SUCCESS: {queries.Count} rules found", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Every_panel_follows_the_model_variable_and_panel_ids_are_unique()
    {
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Dashboard));
        var model = Variable(dashboard.RootElement, "model");
        Assert.True(model.GetProperty("includeAll").GetBoolean());
        Assert.True(model.GetProperty("multi").GetBoolean());
        Assert.Equal("label_values(ml_requests_total, model_name)", model.GetProperty("definition").GetString());

        Assert.All(Exprs(dashboard.RootElement.GetProperty("panels")), query => Assert.Contains("model_name=~\"$model\"", query));
        var ids = dashboard.RootElement.GetProperty("panels").EnumerateArray().Select(p => p.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Compose_provisions_grafana_with_the_prometheus_datasource_and_the_dashboard_folder()
    {
        var compose = await File.ReadAllTextAsync(RepositoryFiles.PathOf("docker", "compose.yaml"));
        var datasource = await File.ReadAllTextAsync(RepositoryFiles.PathOf("docker", "grafana", "provisioning", "datasources", "prometheus.yaml"));
        var provider = await File.ReadAllTextAsync(RepositoryFiles.PathOf("docker", "grafana", "provisioning", "dashboards", "portal.yaml"));

        Assert.Contains("\n  prometheus:\n", compose);
        Assert.Contains("\n  grafana:\n", compose);
        Assert.Contains("- ./grafana/provisioning:/etc/grafana/provisioning:ro", compose);
        var mounted = MountTarget().Match(compose);
        Assert.True(mounted.Success, "compose mounts no ./grafana/dashboards folder");
        Assert.Contains($"path: {mounted.Groups[1].Value}", provider); // the provider reads the folder compose mounts
        Assert.Contains("type: prometheus", datasource);
        Assert.Contains("url: http://prometheus:9090", datasource); // the compose service's name and port
    }

    private static async Task<HashSet<string>> ExportedMetricNamesAsync()
    {
        using var factory = new PortalFactory();
        var client = factory.CreateApiClient();
        var model = await NewModelAsync(client);
        await PostFeaturePredictionsAsync(client, model, Grid(10, 100), Grid(10, 1), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow, "graf");
        var text = await factory.CreateClient().GetStringAsync("/metrics");

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match family in TypeLine().Matches(text))
        {
            var name = family.Groups[1].Value;
            names.Add(name);
            if (family.Groups[2].Value == "histogram")
            {
                names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
            }
        }

        Assert.Contains("ml_requests_total", names); // the families are there, series or not
        return names;
    }

    private static JsonElement Variable(JsonElement dashboard, string name) =>
        dashboard.GetProperty("templating").GetProperty("list").EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);

    /// <summary>Every target's PromQL, rows' nested panels included.</summary>
    private static IEnumerable<string> Exprs(JsonElement panels) =>
        panels.EnumerateArray().SelectMany(panel =>
            (panel.TryGetProperty("targets", out var targets) ? targets.EnumerateArray().Select(t => t.GetProperty("expr").GetString()!) : [])
            .Concat(panel.TryGetProperty("panels", out var nested) ? Exprs(nested) : []));

    /// <summary>Selectors (<c>name{…}</c>) and bare ml_* names.</summary>
    private static HashSet<string> MetricNames(string query) =>
        Selector().Matches(query).Select(m => m.Groups[1].Value).Concat(MlName().Matches(query).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);

    private static string WithVariablesFilledIn(string query)
    {
        var filled = query.Replace("$__rate_interval", "5m").Replace("$__interval", "1m").Replace("${model}", ".*").Replace("$model", ".*");
        Assert.DoesNotContain("$", filled); // a variable the test does not know
        return filled;
    }

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{")]
    private static partial Regex Selector();

    [GeneratedRegex(@"\bml_[a-z0-9_]+\b")]
    private static partial Regex MlName();

    [GeneratedRegex(@"- \./grafana/dashboards:(\S+?)(?::ro)?\n")]
    private static partial Regex MountTarget();
}
