using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Infrastructure.ScaleOut;
using Portal.Web.Realtime;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.ScaleOut;

/// <summary>What <c>ConnectionStrings:Redis</c> switches on, checked on a node whose Redis cannot be reached.</summary>
public sealed class RedisRegistrationTests
{
    [Fact]
    public async Task A_node_whose_redis_is_down_still_starts_and_serves_with_the_cluster_services_in_place()
    {
        using var factory = new PortalFactory { Settings = { ["ConnectionStrings:Redis"] = "127.0.0.1:1,connectTimeout=200" } };
        using var client = factory.CreateApiClient(PortalFactory.ApiKey);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.IsType<RedisModelChangeNotifier>(factory.Services.GetRequiredService<IModelChangeNotifier>());
        Assert.IsType<RedisModelChangeNotifier>(factory.Services.GetRequiredService<ILocalModelChanges>());
        Assert.IsType<RedisClusterEvents>(factory.Services.GetRequiredService<IClusterEvents>());
    }

    [Fact]
    public void Blazor_circuits_stay_off_the_redis_backplane()
    {
        using var factory = new PortalFactory { Settings = { ["ConnectionStrings:Redis"] = "127.0.0.1:1,connectTimeout=200" } };
        var circuits = RealtimeScaleOutServiceCollectionExtensions.BlazorCircuitHub;
        Assert.NotNull(circuits);

        var manager = factory.Services.GetRequiredService(typeof(HubLifetimeManager<>).MakeGenericType(circuits));
        Assert.Equal(typeof(DefaultHubLifetimeManager<>).MakeGenericType(circuits), manager.GetType());
        var other = factory.Services.GetRequiredService<HubLifetimeManager<SomeHub>>();
        Assert.Equal("RedisHubLifetimeManager`1", other.GetType().Name);
    }

    [Fact]
    public void Without_redis_a_node_is_alone()
    {
        using var factory = new PortalFactory();

        Assert.IsType<SingleNodeEvents>(factory.Services.GetRequiredService<IClusterEvents>());
        Assert.IsType<SingleNodeModelChanges>(factory.Services.GetRequiredService<ILocalModelChanges>());
        Assert.IsNotType<RedisModelChangeNotifier>(factory.Services.GetRequiredService<IModelChangeNotifier>());
    }

    public sealed class SomeHub : Hub;
}
