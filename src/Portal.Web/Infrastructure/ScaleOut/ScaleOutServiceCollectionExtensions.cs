using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Realtime;
using StackExchange.Redis;
using Portal.Web.Infrastructure.Models;

namespace Portal.Web.Infrastructure.ScaleOut;

public static class ScaleOutServiceCollectionExtensions
{
    /// <summary><c>ConnectionStrings:Redis</c>: set it to run several nodes.</summary>
    public const string RedisConnectionName = "Redis";

    /// <summary>
    /// What several portal nodes behind a load balancer share beyond the database. With <c>ConnectionStrings:Redis</c>:
    /// the SignalR backplane and the model change fan-out (<see cref="RealtimeScaleOutServiceCollectionExtensions.AddRealtimeScaleOut"/>),
    /// cache evictions between nodes (revoked API keys, changed models) and the setup link's token. Always: forwarded
    /// headers when <c>Portal:ForwardedHeaders:Enabled</c>. Call it after <c>AddRealtime()</c>.
    /// </summary>
    public static IServiceCollection AddScaleOut(this IServiceCollection services, IConfiguration configuration)
    {
        var forwarded = configuration.GetSection(ForwardedHeadersSettings.Section).Get<ForwardedHeadersSettings>() ?? new();
        services.Configure<ForwardedHeadersOptions>(forwarded.ApplyTo);
        services.AddSingleton<PortalNode>();

        var redis = configuration.GetConnectionString(RedisConnectionName);
        if (string.IsNullOrWhiteSpace(redis))
        {
            services.TryAddSingleton<IClusterEvents, SingleNodeEvents>();
            return services.AddRealtimeScaleOut(configuration);
        }

        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var options = ConfigurationOptions.Parse(redis);
            options.AbortOnConnectFail = false; // start without Redis and connect when it comes up
            options.ClientName ??= "portal-" + sp.GetRequiredService<PortalNode>().Id;
            return ConnectionMultiplexer.Connect(options);
        });
        services.AddSingleton<RedisClusterEvents>();
        services.AddSingleton<IClusterEvents>(sp => sp.GetRequiredService<RedisClusterEvents>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisClusterEvents>());
        services.AddSingleton(new ClusterEventHandler(ClusterTopics.ApiKeyRevoked, (sp, prefix) => DatabaseApiKeyValidator.Evict(sp.GetRequiredService<IMemoryCache>(), prefix)));
        services.AddSingleton(new ClusterEventHandler(ClusterTopics.ModelChanged, (sp, model) => sp.GetRequiredService<ModelCatalog>().Forget(model)));
        services.AddSingleton<ISharedSetupTokens, RedisSetupTokens>();
        return services.AddRealtimeScaleOut(configuration);
    }

    /// <summary>Forwarded headers first, when enabled, so everything after it sees the client's address and scheme.</summary>
    public static IApplicationBuilder UseScaleOut(this IApplicationBuilder app)
    {
        var configuration = app.ApplicationServices.GetRequiredService<IConfiguration>();
        if (configuration.GetValue<bool>($"{ForwardedHeadersSettings.Section}:{nameof(ForwardedHeadersSettings.Enabled)}"))
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}
