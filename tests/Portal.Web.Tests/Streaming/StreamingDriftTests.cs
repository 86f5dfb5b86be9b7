using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Data;
using Portal.Data.Entities.Streaming;
using Portal.Web.Features.Dashboards;
using Portal.Web.Features.Streaming;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;
using Portal.Web.Infrastructure.Dashboards;
using Portal.Web.Features.Models;

namespace Portal.Web.Tests.Streaming;

/// <summary>
/// Streaming detectors end to end on a real portal (in memory): predictions and labels sent over REST feed Page–Hinkley
/// and ADWIN after each commit, and their signals become possible-drift events (REST, Drift tab panel).
/// </summary>
public sealed class StreamingDriftTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    private readonly BunitContext context = new();
    private HttpClient client = default!;

    public Task InitializeAsync()
    {
        client = factory.CreateApiClient();
        context.UsePortal(factory, viewer: null);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await context.DisposeAsync();
        factory.Dispose();
    }

    /// <summary>Scores around <paramref name="mean"/> (± 0.05, seeded), one prediction each, ids from <paramref name="first"/>.</summary>
    public static string Scores(int first, int count, double mean, Random random, int prediction = 1) =>
        "[" + string.Join(",", Enumerable.Range(first, count).Select(i =>
            $$"""{"predictionId": "p-{{i}}", "prediction": {{prediction}}, "score": {{(mean + ((random.NextDouble() - 0.5) * 0.1)).ToString("0.####", CultureInfo.InvariantCulture)}}}""")) + "]";

    /// <summary>Posts batches of 100 (as a client would) and waits until the detectors have seen every value.</summary>
    private async Task PostAndWaitAsync(string path, IEnumerable<string> batches)
    {
        var service = factory.Services.GetRequiredService<StreamingDriftService>();
        var feed = factory.Services.GetRequiredService<StreamingFeed>();
        foreach (var batch in batches)
        {
            var answer = await PostOkAsync(client, path, batch);
            Assert.Equal(0, answer["rejected"]?.AsArray().Count ?? 0);
        }

        await WaitForDetectorsAsync(service, feed);
    }

    private static async Task WaitForDetectorsAsync(StreamingDriftService service, StreamingFeed feed)
    {
        // The detectors run behind a queue: wait (at most 30 s) until it is empty and the last round is stored.
        for (var i = 0; i < 300 && (feed.Reader.Count > 0 || service.Busy); i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(0, feed.Reader.Count);
        Assert.False(service.Busy);
    }

    private static IEnumerable<string> Shift(int first, Random random, params (int Count, double Mean)[] parts)
    {
        var id = first;
        foreach (var (count, mean) in parts)
        {
            for (var done = 0; done < count; done += 100)
            {
                yield return Scores(id, Math.Min(100, count - done), mean, random);
                id += Math.Min(100, count - done);
            }
        }
    }

    private async Task<List<PossibleDriftEvent>> EventsAsync(string model)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var id = (await db.Models.SingleAsync(m => m.Name == model)).Id;
        return await db.PossibleDriftEvents.AsNoTracking().Where(e => e.ModelId == id).OrderBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task An_abrupt_shift_of_the_mean_score_stores_a_possible_drift_event_of_both_detectors_on_the_score_signal()
    {
        await CreateModelAsync(client, "shifting");
        await PostAndWaitAsync("/api/v1/models/shifting/predictions", Shift(0, new Random(7), (600, 0.2), (400, 0.8)));

        var events = await EventsAsync("shifting");
        Assert.All(events, e => Assert.Equal(PossibleDriftEvent.ScoreSignal, e.Signal));
        var adwin = Assert.Single(events, e => e.Detector == PossibleDriftEvent.Adwin);
        Assert.True(adwin.Statistic > adwin.Threshold);

        // ADWIN tests for a cut every 32 values and, on a cut, keeps a suffix of whole buckets. Simulated with this
        // generator over seeds 0–9,999 (Portal.Analysis's Adwin, default options): every run signalled once, at value
        // 640 keeping the last 320 values or at value 672 keeping the last 160 (seed 7: 672). So "after" is not the
        // new mean 0.8 but the kept window's mix of pre-change (0.2) and post-change (0.8) values, and "before" is the
        // mean of dropped values, all from before the change. Each value is uniform ± 0.05 around its mean
        // (SD 0.1/√12), so a mean of k values is exact up to ± 4·SD/√k.
        var kept = adwin.ValuesSeen switch
        {
            640 => 320,
            672 => 160,
            _ => throw new Xunit.Sdk.XunitException($"ADWIN signalled at value {adwin.ValuesSeen}, not at 640 or 672"),
        };
        var afterChange = adwin.ValuesSeen - 600;
        var dropped = adwin.ValuesSeen - kept;
        var valueSd = 0.1 / Math.Sqrt(12);
        Assert.InRange(adwin.MeanAfter!.Value, Mix(kept, afterChange) - (4 * valueSd / Math.Sqrt(kept)), Mix(kept, afterChange) + (4 * valueSd / Math.Sqrt(kept)));
        Assert.InRange(adwin.MeanBefore!.Value, 0.2 - (4 * valueSd / Math.Sqrt(dropped)), 0.2 + (4 * valueSd / Math.Sqrt(dropped)));
        var pageHinkley = Assert.Single(events, e => e.Detector == PossibleDriftEvent.PageHinkley);
        Assert.True(pageHinkley.Statistic > 50);
        Assert.Equal(50, pageHinkley.Threshold);
        Assert.InRange(pageHinkley.ValuesSeen, 601, 800);

        var metrics = await client.GetStringAsync("/metrics");
        Assert.Contains("ml_possible_drift_events_total{model_name=\"shifting\",detector=\"adwin\",signal=\"score\"} 1", metrics);
        Assert.Contains("ml_possible_drift_events_total{model_name=\"shifting\",detector=\"page-hinkley\",signal=\"score\"} 1", metrics);
    }

    /// <summary>Expected mean of the last <paramref name="kept"/> values when the last <paramref name="afterChange"/> of them come after the shift.</summary>
    private static double Mix(int kept, long afterChange) => (((kept - afterChange) * 0.2) + (afterChange * 0.8)) / kept;

    [Fact]
    public async Task A_jump_of_the_error_rate_in_the_labels_stores_an_error_signal_event()
    {
        await CreateModelAsync(client, "erring");

        // Every prediction says 1 with the same score, so only the labels change: 5 % wrong, then 60 % wrong.
        await PostAndWaitAsync("/api/v1/models/erring/predictions", Enumerable.Range(0, 10).Select(b =>
            "[" + string.Join(",", Enumerable.Range(b * 100, 100).Select(i => $$"""{"predictionId": "p-{{i}}", "prediction": 1, "score": 0.7}""")) + "]"));
        Assert.Empty(await EventsAsync("erring"));
        var random = new Random(3);
        await PostAndWaitAsync("/api/v1/models/erring/feedback", Enumerable.Range(0, 10).Select(b =>
            "[" + string.Join(",", Enumerable.Range(b * 100, 100).Select(i =>
                $$"""{"predictionId": "p-{{i}}", "label": {{(random.NextDouble() < (i < 600 ? 0.05 : 0.6) ? 0 : 1)}}}""")) + "]"));

        var events = await EventsAsync("erring");
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.Equal(PossibleDriftEvent.ErrorSignal, e.Signal));
        var adwin = Assert.Single(events, e => e.Detector == PossibleDriftEvent.Adwin);
        Assert.InRange(adwin.MeanBefore!.Value, 0.0, 0.12);
        Assert.InRange(adwin.MeanAfter!.Value, 0.2, 0.8);
    }

    [Fact]
    public async Task A_stable_stream_raises_no_event()
    {
        await CreateModelAsync(client, "steady");
        await PostAndWaitAsync("/api/v1/models/steady/predictions", Shift(0, new Random(11), (2000, 0.4)));

        Assert.Empty(await EventsAsync("steady"));
        var service = factory.Services.GetRequiredService<StreamingDriftService>();
        Assert.True(service.Processed >= 2000);
    }

    [Fact]
    public async Task Repeated_shifts_within_five_minutes_store_one_event_per_detector_and_signal()
    {
        await CreateModelAsync(client, "flapping");
        var service = factory.Services.GetRequiredService<StreamingDriftService>();
        var signalsBefore = service.Signals;
        await PostAndWaitAsync("/api/v1/models/flapping/predictions", Shift(0, new Random(5), (400, 0.2), (400, 0.8), (400, 0.2), (400, 0.8)));

        var events = await EventsAsync("flapping");
        Assert.Equal(["adwin/score", "page-hinkley/score"], events.Select(e => $"{e.Detector}/{e.Signal}").Order());
        Assert.True(service.Signals - signalsBefore >= 4, $"the detectors signalled {service.Signals - signalsBefore} times");
    }

    [Fact]
    public async Task The_recorder_keeps_one_event_per_model_detector_and_signal_within_the_window()
    {
        await CreateModelAsync(client, "dedup");
        int id;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            id = (await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Models.SingleAsync(m => m.Name == "dedup")).Id;
        }

        var recorder = factory.Services.GetRequiredService<PossibleDriftRecorder>();
        DetectorSignal Signal(string detector, string signal) => new(id, "dedup", "v1", detector, signal, 60, 50, null, null, 100);

        Assert.Single(await recorder.SaveAsync([Signal("page-hinkley", "score"), Signal("page-hinkley", "score")], CancellationToken.None));
        Assert.Empty(await recorder.SaveAsync([Signal("page-hinkley", "score")], CancellationToken.None));
        Assert.Equal(2, (await recorder.SaveAsync([Signal("adwin", "score"), Signal("page-hinkley", "error")], CancellationToken.None)).Count);
        Assert.Equal(3, (await EventsAsync("dedup")).Count);
    }

    [Fact]
    public async Task Drift_events_endpoint_answers_camel_case_filters_by_since_and_names_bad_fields()
    {
        await CreateModelAsync(client, "listed");
        await CreateModelAsync(client, "other");
        await PostAndWaitAsync("/api/v1/models/listed/predictions", Shift(0, new Random(7), (600, 0.2), (400, 0.8)));

        using var ok = await client.GetAsync("/api/v1/models/listed/drift-events");
        var text = await ok.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var first = JsonNode.Parse(text)!.AsArray()[0]!;
        Assert.Equal("listed", first["model"]!.GetValue<string>());
        Assert.Equal("score", first["signal"]!.GetValue<string>());
        foreach (var field in new[] { "id", "at", "detector", "statistic", "threshold", "meanBefore", "meanAfter", "valuesSeen", "version" })
        {
            Assert.True(first.AsObject().ContainsKey(field), $"{field} missing in {text}");
        }

        var later = Uri.EscapeDataString(DateTime.UtcNow.AddMinutes(1).ToString("O"));
        Assert.Equal("[]", await client.GetStringAsync($"/api/v1/models/listed/drift-events?since={later}"));
        Assert.Equal(2, JsonNode.Parse(await client.GetStringAsync("/api/v1/models/listed/drift-events?since=2020-01-01T00:00:00Z"))!.AsArray().Count);

        using var bad = await client.GetAsync("/api/v1/models/listed/drift-events?since=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Contains("since", JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["errors"]!.AsObject().Select(p => p.Key));
        using var badTake = await client.GetAsync("/api/v1/models/listed/drift-events?take=0");
        Assert.Contains("take", JsonNode.Parse(await badTake.Content.ReadAsStringAsync())!["errors"]!.AsObject().Select(p => p.Key));

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/models/nope/drift-events")).StatusCode);
        using var scoped = factory.CreateApiClient(PortalFactory.ScopedKey("other"));
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync("/api/v1/models/listed/drift-events")).StatusCode);
        using var own = factory.CreateApiClient(PortalFactory.ScopedKey("listed"));
        Assert.Equal(HttpStatusCode.OK, (await own.GetAsync("/api/v1/models/listed/drift-events")).StatusCode);
        using var anonymous = factory.CreateApiClient(key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/models/listed/drift-events")).StatusCode);
        using var viewer = await factory.SignInAsync(Portal.Web.Infrastructure.Auth.PortalRoles.Viewer);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/v1/models/listed/drift-events")).StatusCode);
    }

    [Fact]
    public async Task Panel_lists_the_events_with_signal_detector_and_statistic_and_marks_them_on_the_chart()
    {
        await CreateModelAsync(client, "paneled");
        var model = (await factory.Services.GetRequiredService<ModelDirectory>().FindAsync("paneled"))!;
        var empty = context.Render<PossibleDriftPanel>(p => p.Add(t => t.Model, model).Add(t => t.Window, DashboardWindow.Default));
        empty.WaitForAssertion(() => Assert.Contains("Fast signals between scheduled drift runs", empty.Find("[data-testid=possible-drift-empty]").TextContent), Eventually.Deadline);
        Assert.Contains("None so far", empty.Find("[data-testid=possible-drift-empty]").TextContent);
        var noNote = context.Render<PossibleDriftNote>(p => p.Add(t => t.Model, model).Add(t => t.Window, DashboardWindow.Default));
        Assert.Empty(noNote.FindAll("[data-testid=possible-drift-note]"));

        await PostAndWaitAsync("/api/v1/models/paneled/predictions", Shift(0, new Random(7), (600, 0.2), (400, 0.8)));
        var cut = context.Render<PossibleDriftPanel>(p => p.Add(t => t.Model, model).Add(t => t.Window, DashboardWindow.Default));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("#possible-drift-table tbody tr").Count), Eventually.Deadline);
        var cells = cut.FindAll("#possible-drift-table tbody tr").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToArray()).ToList();
        Assert.All(cells, c => Assert.Equal("mean score", c[1]));
        Assert.Equal(["ADWIN", "Page–Hinkley"], cells.Select(c => c[2]).Order(StringComparer.Ordinal));
        Assert.All(cells, c => Assert.Matches(@"^[\d.]+ > [\d.]+$", c[3]));
        Assert.Matches(@"^0\.[12]\d* → 0\.[3-8]\d*$", cells.Single(c => c[2] == "ADWIN")[4]);
        Assert.Equal("—", cells.Single(c => c[2] == "Page–Hinkley")[4]);

        var note = context.Render<PossibleDriftNote>(p => p.Add(t => t.Model, model).Add(t => t.Window, DashboardWindow.Default));
        note.WaitForAssertion(() => Assert.StartsWith("2 possible-drift events from the streaming detectors in the last 1 hour", note.Find("[data-testid=possible-drift-note]").TextContent.Trim()), Eventually.Deadline);

        var chart = cut.FindComponent<PossibleDriftChart>().Instance;
        var markers = chart.Traces.OfType<Plotly.Blazor.Traces.Scatter>().Single(t => t.Name == "possible drift (mean score)");
        Assert.Equal(2, markers.X.Count);
    }
}
