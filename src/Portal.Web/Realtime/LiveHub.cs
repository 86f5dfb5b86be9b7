using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Realtime;

/// <summary>
/// <c>/hubs/live</c>: relays model changes to external clients (Viewer or higher: a signed-in user or an admin API
/// key). A client joins the group of each model it wants (<c>JoinModel("fraud")</c>, or <c>"*"</c> for every model)
/// and receives <c>modelChanged</c> messages <c>{model, kinds, at}</c>.
/// </summary>
[Authorize(Policy = Policies.Viewer)]
public sealed class LiveHub : Hub
{
    public const string Path = "/hubs/live";
    public const string ChangedMethod = "modelChanged";

    public static string Group(string model) => "model:" + model;

    public Task JoinModel(string model) => Groups.AddToGroupAsync(Context.ConnectionId, Group(Checked(model)));

    public Task LeaveModel(string model) => Groups.RemoveFromGroupAsync(Context.ConnectionId, Group(Checked(model)));

    private static string Checked(string model) =>
        string.IsNullOrWhiteSpace(model) || model.Length > Data.Entities.MlModel.NameMaxLength
            ? throw new HubException("model: a model name (1 to 100 characters) or \"*\" for every model.")
            : model;
}

/// <summary>What <see cref="LiveHub"/> clients receive.</summary>
public sealed record LiveChange(string Model, IReadOnlyCollection<string> Kinds, DateTime At);

/// <summary>Sends every change of this node's notifier to the hub groups of its model and of "*".</summary>
public sealed class LiveHubRelay(ILocalModelChanges changes, IHubContext<LiveHub> hub) : IHostedService
{
    private IDisposable? subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Only this node's changes: with several nodes the Redis backplane carries them to the clients of the others.
        subscription = changes.SubscribeLocal(change =>
        {
            var message = new LiveChange(change.Model, [.. change.Kinds.Order(StringComparer.Ordinal)], change.At);
            var groups = change.Model == ModelChangeKinds.AnyModel
                ? [LiveHub.Group(ModelChangeKinds.AnyModel)]
                : new[] { LiveHub.Group(change.Model), LiveHub.Group(ModelChangeKinds.AnyModel) };
            return hub.Clients.Groups(groups).SendAsync(LiveHub.ChangedMethod, message);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        subscription?.Dispose();
        return Task.CompletedTask;
    }
}
