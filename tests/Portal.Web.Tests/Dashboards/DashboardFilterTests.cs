using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Data;
using Portal.Web.Features.Dashboards;
using Portal.Web.Features.Models;
using Portal.Web.Realtime;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;

namespace Portal.Web.Tests.Dashboards;

/// <summary>The filters of the models list (task type) and of a model page (<c>version=</c>), rendered on a real portal (in memory).</summary>
public sealed class DashboardFilterTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    private readonly BunitContext context = new();
    private HttpClient client = default!;

    public Task InitializeAsync()
    {
        client = factory.CreateApiClient();
        context.UsePortal(factory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await context.DisposeAsync();
        factory.Dispose();
    }

    [Fact]
    public async Task The_models_list_shows_only_models_of_the_chosen_task_type()
    {
        await CreateModelAsync(client, "fraud-binary", "binary");
        await CreateModelAsync(client, "price-regression", "regression");
        await CreateModelAsync(client, "churn-binary", "binary");
        context.Render<MudPopoverProvider>();
        var cut = context.Render<ModelsPage>();
        cut.WaitForAssertion(() => Assert.Equal(3, Shown(cut).Count), TimeSpan.FromSeconds(30));

        var task = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Task type");
        await cut.InvokeAsync(() => task.Instance.ValueChanged.InvokeAsync("Regression"));
        cut.WaitForAssertion(() => Assert.Equal(["price-regression"], Shown(cut)), TimeSpan.FromSeconds(30));

        await cut.InvokeAsync(() => task.Instance.ValueChanged.InvokeAsync("Binary"));
        cut.WaitForAssertion(() => Assert.Equal(["churn-binary", "fraud-binary"], Shown(cut)), TimeSpan.FromSeconds(30));

        await cut.InvokeAsync(() => task.Instance.ValueChanged.InvokeAsync(""));
        cut.WaitForAssertion(() => Assert.Equal(3, Shown(cut).Count), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Every_page_of_the_models_list_the_server_builds_is_timed_on_metrics()
    {
        await CreateModelAsync(client, "fraud-binary", "binary");
        await CreateModelAsync(client, "price-regression", "regression");
        using var scraper = factory.CreateClient();
        var before = TimedCount(await scraper.GetStringAsync("/metrics"));
        context.Render<MudPopoverProvider>();
        var cut = context.Render<ModelsPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, Shown(cut).Count), TimeSpan.FromSeconds(30));
        // Two pages on opening: the first, and one more once live changes are followed (none may be missed in between).
        Assert.Equal(before + 2, await TimedCountAsync(scraper, before + 2));

        var task = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Task type");
        await cut.InvokeAsync(() => task.Instance.ValueChanged.InvokeAsync("Regression"));
        cut.WaitForAssertion(() => Assert.Equal(["price-regression"], Shown(cut)), TimeSpan.FromSeconds(30));
        Assert.Equal(before + 3, await TimedCountAsync(scraper, before + 3));
        Assert.Contains($"{ModelsListMetrics.Name}_bucket{{le=\"0.3\"}}", await scraper.GetStringAsync("/metrics"));
    }

    /// <summary>The histogram's count once it reaches <paramref name="atLeast"/> (or after <see cref="Eventually.Deadline"/>).</summary>
    private static Task<long> TimedCountAsync(HttpClient scraper, long atLeast) =>
        Eventually.PollAsync(async () => TimedCount(await scraper.GetStringAsync("/metrics")), count => count >= atLeast);

    /// <summary>The histogram's count; 0 before anything asked for the list (the metric is registered with the list's service).</summary>
    private static long TimedCount(string metrics) =>
        System.Text.RegularExpressions.Regex.Match(metrics, $@"(?m)^{ModelsListMetrics.Name}_count (\d+)") is { Success: true } count
            ? long.Parse(count.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : 0;

    [Fact]
    public async Task A_live_reload_that_finishes_after_a_filter_is_chosen_does_not_bring_back_the_old_list()
    {
        await CreateModelAsync(client, "fraud-binary", "binary");
        await CreateModelAsync(client, "price-regression", "regression");
        var contexts = new HeldContexts(factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        await using var held = new BunitContext();
        held.Services.AddSingleton(new ModelDirectory(contexts, TimeProvider.System, factory.Services.GetRequiredService<ModelsListMetrics>()));
        held.UsePortal(factory);
        held.Render<MudPopoverProvider>();
        var cut = held.Render<ModelsPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, Shown(cut).Count), TimeSpan.FromSeconds(30));

        // A live change: the reload it starts reads with every task type, and is held there (as a slow read would be) …
        var reading = contexts.HoldNext();
        factory.Services.GetRequiredService<IModelChangeNotifier>().Publish("fraud-binary", ModelChangeKinds.Predictions);
        await reading.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // … while a task type is chosen and its list shown; then the held reload finishes, and the list stays filtered.
        var task = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Task type");
        await cut.InvokeAsync(() => task.Instance.ValueChanged.InvokeAsync("Regression"));
        cut.WaitForAssertion(() => Assert.Equal(["price-regression"], Shown(cut)), TimeSpan.FromSeconds(30));
        var renders = cut.RenderCount;
        contexts.Release();
        cut.WaitForState(() => cut.RenderCount > renders, TimeSpan.FromSeconds(30));
        Assert.Equal(["price-regression"], Shown(cut));
    }

    /// <summary>Contexts of the real database; the next one asked for after <see cref="HoldNext"/> waits for <see cref="Release"/>.</summary>
    private sealed class HeldContexts(IDbContextFactory<PortalDbContext> inner) : IDbContextFactory<PortalDbContext>
    {
        private readonly TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? next;

        /// <summary>Holds the next context asked for; the task completes when it is asked for.</summary>
        public TaskCompletionSource HoldNext() => next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => gate.TrySetResult();

        public PortalDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<PortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref next, null) is { } entered)
            {
                entered.TrySetResult();
                await gate.Task;
            }

            return await inner.CreateDbContextAsync(cancellationToken);
        }
    }

    [Fact]
    public async Task The_models_list_shows_a_page_of_fifty_with_previous_and_next_and_searches_all_models()
    {
        for (var i = 0; i < 55; i++)
        {
            await CreateModelAsync(client, $"page-{i:D2}", "binary");
        }

        context.Render<MudPopoverProvider>();
        var cut = context.Render<ModelsPage>();
        cut.WaitForAssertion(() => Assert.Equal(ModelListQuery.DefaultPageSize, Shown(cut).Count), TimeSpan.FromSeconds(30));
        Assert.Equal("page-00", Shown(cut)[0]);
        Assert.Equal("1–50 of 55 models", cut.Find("[data-testid=models-range]").TextContent);

        await cut.InvokeAsync(() => cut.Find("#models-next").Click());
        cut.WaitForAssertion(() => Assert.Equal(["page-50", "page-51", "page-52", "page-53", "page-54"], Shown(cut)), TimeSpan.FromSeconds(30));
        Assert.Equal("51–55 of 55 models", cut.Find("[data-testid=models-range]").TextContent);

        // A search looks at every model, not only the page shown, and starts again at its first page.
        await cut.InvokeAsync(() => cut.Find("#models-previous").Click());
        cut.WaitForAssertion(() => Assert.Equal("page-00", Shown(cut)[0]), TimeSpan.FromSeconds(30));
        var search = cut.FindComponents<MudTextField<string>>().Single(s => s.Instance.Label == "Search");
        await cut.InvokeAsync(() => search.Instance.ValueChanged.InvokeAsync("page-5"));
        cut.WaitForAssertion(() => Assert.Equal(["page-50", "page-51", "page-52", "page-53", "page-54"], Shown(cut)), TimeSpan.FromSeconds(30));
        Assert.Empty(cut.FindAll("[data-testid=models-range]"));
    }

    [Theory]
    [InlineData("&version=v1", "3 predictions in 1 hour")]
    [InlineData("&version=v2", "5 predictions in 1 hour")]
    [InlineData("", "8 predictions in 1 hour")]
    public async Task The_version_in_the_model_page_address_filters_its_dashboards(string query, string traffic)
    {
        await CreateModelAsync(client, "versioned");
        await PostOkAsync(client, "/api/v1/models/versioned/predictions", Predictions("v1", 0, 3));
        await PostOkAsync(client, "/api/v1/models/versioned/predictions", Predictions("v2", 3, 5));
        context.Render<MudPopoverProvider>();

        context.Services.GetRequiredService<NavigationManager>().NavigateTo("/models/versioned?tab=health" + query);
        var cut = context.Render<ModelPage>(p => p.Add(x => x.ModelName, "versioned"));

        cut.WaitForAssertion(() => Assert.Equal(traffic, cut.Find("[data-testid=card-traffic-detail]").TextContent), TimeSpan.FromSeconds(30));
    }

    private static List<string> Shown(IRenderedComponent<ModelsPage> cut) =>
        [.. cut.FindAll("tr[data-model]").Select(r => r.GetAttribute("data-model")!).Order(StringComparer.Ordinal)];

    private static string Predictions(string version, int from, int count) =>
        "[" + string.Join(',', Enumerable.Range(from, count).Select(i =>
            $$$"""{"predictionId": "p-{{{i}}}", "modelVersion": "{{{version}}}", "prediction": 1, "score": 0.8, "latencyMs": 15, "features": {"amount": 10, "country": "DE"}}""")) + "]";
}
