using Portal.Web.Features.Ingestion;

namespace Portal.Web.Realtime;

/// <summary>Publishes "predictions", "labels" and "resources" changes after each commit of the ingestion writer.</summary>
public sealed class IngestionChangePublisher(IngestionWriter writer, IModelChangeNotifier notifier) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        writer.Committed += Publish;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        writer.Committed -= Publish;
        return Task.CompletedTask;
    }

    private void Publish(IReadOnlyCollection<CommittedChange> changes)
    {
        foreach (var change in changes)
        {
            notifier.Publish(change.Model, change.What);
        }
    }
}
