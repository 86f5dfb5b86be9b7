using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Client.Simulation;
using Portal.Data;
using Portal.Web.Features.Demo;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Ingestion;

namespace Portal.Web.Tests.Demo;

/// <summary>What the demo sets up around its models: its SLOs page, and its rules notify, through the demo-log channel.</summary>
public sealed class DemoSeedsTests
{
    [Fact]
    public async Task Every_demo_slo_and_hand_written_rule_routes_to_the_demo_log_channel_and_a_second_seed_adds_nothing()
    {
        using var factory = new PortalFactory();
        using var client = factory.CreateApiClient();
        foreach (var model in TrafficSimulator.Models)
        {
            await IngestionApi.CreateModelAsync(client, model.Name, model.Definition.TaskType);
        }

        var scopes = factory.Services.GetRequiredService<IServiceScopeFactory>();
        await DemoSeeds.SeedAsync(scopes, CancellationToken.None);
        await DemoSeeds.SeedAsync(scopes, CancellationToken.None);

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var channel = await db.NotificationChannels.SingleAsync(c => c.Name == DemoSeeds.LogChannel);
        var slos = await db.SloDefinitions.ToListAsync();
        Assert.Equal(2 * TrafficSimulator.Models.Count, slos.Count);
        Assert.All(slos, slo => Assert.Equal([channel.Id], JsonSerializer.Deserialize<int[]>(slo.ChannelIdsJson)!));
        var rules = await db.AlertRules.Where(r => r.SloId == null).ToListAsync();
        Assert.Equal(5, rules.Count);
        Assert.All(rules, rule => Assert.Equal([channel.Id], JsonSerializer.Deserialize<int[]>(rule.ChannelIdsJson)!));
    }
}
