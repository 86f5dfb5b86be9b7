using Microsoft.AspNetCore.Components;
using Portal.Web.Realtime;

namespace Portal.Web.Infrastructure.Dashboards;

/// <summary>
/// A live dashboard tab: loads its data for (model, window, version), subscribes to the model's changes after the
/// first render and reloads only the parts a change concerns (<see cref="LoadAsync"/> gets the kinds; null = all).
/// Changes that arrive while a load runs are folded into one more load afterwards. No polling.
/// </summary>
public abstract class DashboardTabBase : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource disposed = new();
    private IDisposable? subscription;
    private (ModelHeader?, DashboardWindow?, string?) loadedFor;
    private bool loading;
    private HashSet<string>? pending;

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
        if (loadedFor != (Model, Window, Version))
        {
            loadedFor = (Model, Window, Version);
            await LoadAsync(null);
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            subscription = Notifier.Subscribe(OnChangeAsync);
        }
    }

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

    private async Task ReloadAsync(HashSet<string> kinds)
    {
        if (loading)
        {
            (pending ??= new(StringComparer.Ordinal)).UnionWith(kinds);
            return;
        }

        loading = true;
        try
        {
            HashSet<string>? next = kinds;
            while (next is not null && !disposed.IsCancellationRequested)
            {
                await LoadAsync(next);
                StateHasChanged();
                (next, pending) = (pending, null);
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
