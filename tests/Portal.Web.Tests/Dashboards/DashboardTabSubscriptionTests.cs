using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.Web.Infrastructure.Dashboards;
using Portal.Web.Realtime;

namespace Portal.Web.Tests.Dashboards;

/// <summary>
/// A tab is subscribed to its model's changes before its first load reads anything: a change committed while that load
/// runs gets one more load. Subscribing after the first render (as before) lost it for good on a busy node, where the
/// client acknowledges the first render long after the load read the data.
/// </summary>
public sealed class DashboardTabSubscriptionTests : IAsyncLifetime
{
    private readonly BunitContext context = new();
    private readonly SynchronousNotifier notifier = new();

    public DashboardTabSubscriptionTests()
    {
        context.Services.AddSingleton<IModelChangeNotifier>(notifier);
        context.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public void A_change_committed_during_the_first_load_is_loaded_after_it()
    {
        var cut = context.Render<RecordingTab>(p => p
            .Add(t => t.Model, new ModelHeader(1, "churn", ModelTaskType.Binary, null, null, [], []))
            .Add(t => t.DuringFirstLoad, () => notifier.Publish("churn", ModelChangeKinds.Predictions)));

        cut.WaitForAssertion(() => Assert.Equal(["all", ModelChangeKinds.Predictions], cut.Instance.Loads), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Changes_of_other_models_and_kinds_load_nothing()
    {
        var cut = context.Render<RecordingTab>(p => p
            .Add(t => t.Model, new ModelHeader(1, "churn", ModelTaskType.Binary, null, null, [], [])));

        notifier.Publish("other", ModelChangeKinds.Predictions);
        notifier.Publish("churn", "experiments");
        notifier.Publish("churn", ModelChangeKinds.Predictions);

        cut.WaitForAssertion(() => Assert.Equal(["all", ModelChangeKinds.Predictions], cut.Instance.Loads), TimeSpan.FromSeconds(30));
    }

    public sealed class RecordingTab : DashboardTabBase
    {
        [Parameter] public Action? DuringFirstLoad { get; set; }

        public List<string> Loads { get; } = [];

        protected override IReadOnlyCollection<string> Kinds => [ModelChangeKinds.Predictions];

        protected override Task LoadAsync(IReadOnlySet<string>? kinds)
        {
            Loads.Add(kinds is null ? "all" : string.Join(',', kinds.Order(StringComparer.Ordinal)));
            if (Loads.Count == 1)
            {
                DuringFirstLoad?.Invoke();
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>Delivers every change at once to every subscriber (no throttle, no Redis).</summary>
    private sealed class SynchronousNotifier : IModelChangeNotifier
    {
        private readonly List<Func<ModelChange, Task>> handlers = [];

        public void Publish(string model, string what)
        {
            foreach (var handler in handlers.ToList())
            {
                _ = handler(new ModelChange(model, what, DateTime.UtcNow));
            }
        }

        public IDisposable Subscribe(Func<ModelChange, Task> handler)
        {
            handlers.Add(handler);
            return new Unsubscribe(() => handlers.Remove(handler));
        }

        private sealed class Unsubscribe(Action action) : IDisposable
        {
            public void Dispose() => action();
        }
    }
}
