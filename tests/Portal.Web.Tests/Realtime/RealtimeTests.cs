using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Realtime;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;

namespace Portal.Web.Tests.Realtime;

public sealed class RealtimeTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly PortalFactory factory = new();

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task Ingestion_commits_publish_predictions_labels_and_resources_for_the_affected_models()
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "notified");
        var changes = Channel.CreateUnbounded<ModelChange>();
        using var subscription = factory.Services.GetRequiredService<IModelChangeNotifier>().Subscribe(c => changes.Writer.WriteAsync(c).AsTask());

        await PostOkAsync(client, "/api/v1/models/notified/predictions", """{"predictionId": "a", "prediction": 1}""");
        await PostOkAsync(client, "/api/v1/models/notified/feedback", """[{"predictionId": "a", "label": 1}]""");
        await PostOkAsync(client, "/api/v1/resources", """[{"host": "h1", "model": "notified", "cpuPercent": 5}, {"host": "h2", "cpuPercent": 6}]""");

        var seen = new HashSet<(string, string)>();
        using var timeout = new CancellationTokenSource(Patience);
        while (!(seen.Contains(("notified", "predictions")) && seen.Contains(("notified", "labels")) && seen.Contains(("notified", "resources")) && seen.Contains(("*", "resources"))))
        {
            var change = await changes.Reader.ReadAsync(timeout.Token);
            foreach (var kind in change.Kinds)
            {
                seen.Add((change.Model, kind));
            }
        }
    }

    [Fact]
    public async Task Hub_relays_a_model_change_to_a_client_that_joined_the_model()
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "hubbed");
        var received = new TaskCompletionSource<LiveChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, LiveHub.Path), o =>
            {
                o.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                o.Headers["X-Api-Key"] = PortalFactory.ApiKey;
            })
            .Build();
        connection.On<LiveChange>(LiveHub.ChangedMethod, change =>
        {
            if (change.Model == "hubbed" && change.Kinds.Contains("predictions"))
            {
                received.TrySetResult(change);
            }
        });
        await connection.StartAsync();
        await connection.InvokeAsync("JoinModel", "hubbed");

        await PostOkAsync(client, "/api/v1/models/hubbed/predictions", """{"predictionId": "a", "prediction": 1}""");

        var change = await received.Task.WaitAsync(Patience);
        Assert.Equal(["predictions"], change.Kinds);
    }

    [Fact]
    public async Task Hub_needs_a_viewer()
    {
        using var anonymous = factory.CreateApiClient(key: null);
        using var response = await anonymous.PostAsync(LiveHub.Path + "/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        using var scoped = factory.CreateApiClient(PortalFactory.ScopedKey("fraud"));
        using var forbidden = await scoped.PostAsync(LiveHub.Path + "/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using var admin = factory.CreateApiClient();
        using var ok = await admin.PostAsync(LiveHub.Path + "/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }
}
