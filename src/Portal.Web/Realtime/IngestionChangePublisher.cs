using Portal.Web.Features.Ingestion;

namespace Portal.Web.Realtime;

/// <summary>Publishes a "predictions" change for every model of each commit of the ingestion writer.</summary>
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

    private void Publish(IReadOnlyCollection<string> models)
    {
        foreach (var model in models)
        {
            notifier.Publish(model, "predictions");
        }
    }
}
