using Microsoft.AspNetCore.Components;
using Portal.Web.Realtime;

namespace Portal.Web.Infrastructure.Dashboards;

/// <summary>
/// A live dashboard tab: loads its data for (model, window, version), subscribed to the model's changes from before
/// that first load, and reloads only the parts a change concerns (<see cref="LoadAsync"/> gets the kinds; null = all).
/// Changes that arrive while a load runs are folded into one more load afterwards. No polling.
/// </summary>
public abstract class DashboardTabBase : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource disposed = new();
    private IDisposable? subscription;
    private (ModelHeader?, DashboardWindow?, string?) loadedFor;
    private bool loading;
    private HashSet<string>? pending;
    private bool pendingAll;

    [Inject] private IModelChangeNotifier Notifier { get; set; } = default!;

    [Parameter, EditorRequired] public ModelHeader Model { get; set; } = default!;

    [Parameter, EditorRequired] public DashboardWindow Window { get; set; } = DashboardWindow.Default;

    [Parameter] public string? Version { get; set; }

    protected CancellationToken Aborted => disposed.Token;

    /// <summary>The change kinds this tab shows.</summary>
    protected abstract IReadOnlyCollection<string> Kinds { get; }

    /// <summary>Whether changes to hosts not tied to a model (<see cref="ModelChangeKinds.AnyModel"/>) concern this tab.</summary>
    protected virtual bool WantsUnassigned => false;

    /// <summary>Loads the parts that <paramref name="kinds"/> concern, everything when null.</summary>
    protected abstract Task LoadAsync(IReadOnlySet<string>? kinds);

    protected override async Task OnParametersSetAsync()
    {
        // Subscribe before the first load, not after the first render: a change committed between that load's read
        // and a later subscription would be missed for good (seen on a node under load: the page kept the old count).
        // A change that arrives while a load runs is folded into one more load afterwards.
        if (RendererInfo.IsInteractive)
        {
            Subscribe();
        }

        if (loadedFor != (Model, Window, Version))
        {
            loadedFor = (Model, Window, Version);
            await ReloadAsync(null);
        }
    }

    /// <summary>A renderer that does not say it is interactive (bUnit's) still renders after: subscribe then at the latest.</summary>
    protected override void OnAfterRender(bool firstRender) => Subscribe();

    private void Subscribe() => subscription ??= Notifier.Subscribe(OnChangeAsync);

    private Task OnChangeAsync(ModelChange change)
    {
        var ours = change.Model == Model.Name || (WantsUnassigned && change.Model == ModelChangeKinds.AnyModel);
        if (!ours || disposed.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        var kinds = change.Kinds.Where(Kinds.Contains).ToHashSet(StringComparer.Ordinal);
        return kinds.Count == 0 ? Task.CompletedTask : InvokeAsync(() => ReloadAsync(kinds));
    }

    /// <summary>Loads <paramref name="kinds"/> (everything when null), or queues them behind the load that is running.</summary>
    private async Task ReloadAsync(IReadOnlySet<string>? kinds)
    {
        if (loading)
        {
            if (kinds is null)
            {
                pendingAll = true;
            }
            else
            {
                (pending ??= new(StringComparer.Ordinal)).UnionWith(kinds);
            }

            return;
        }

        loading = true;
        try
        {
            var next = kinds;
            var more = true;
            while (more && !disposed.IsCancellationRequested)
            {
                await LoadAsync(next);
                StateHasChanged();
                more = pendingAll || pending is not null;
                next = pendingAll ? null : pending;
                (pendingAll, pending) = (false, null);
            }
        }
        catch (OperationCanceledException) when (disposed.IsCancellationRequested)
        {
            // the tab was closed while loading
        }
        finally
        {
            loading = false;
        }
    }

    public void Dispose()
    {
        subscription?.Dispose();
        disposed.Cancel();
        GC.SuppressFinalize(this);
    }
}
