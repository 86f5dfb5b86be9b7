using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>Counts failed API key attempts per client address; past the limit the client gets 429 until the window ends.</summary>
public sealed class ApiKeyFailureLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter;

    public ApiKeyFailureLimiter(IOptions<AuthOptions> options)
    {
        Window = TimeSpan.FromMinutes(1);
        var permits = Math.Max(1, options.Value.ApiKeyFailuresPerMinute);
        limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = Window, QueueLimit = 0, AutoReplenishment = true }));
    }

    public TimeSpan Window { get; }

    public bool IsBlocked(string client) => limiter.GetStatistics(client)?.CurrentAvailablePermits <= 0;

    public void RecordFailure(string client)
    {
        using var lease = limiter.AttemptAcquire(client);
    }

    public void Dispose() => limiter.Dispose();
}

/// <summary>Configuration section <c>Portal:Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Portal:Auth";

    /// <summary>Failed API key attempts a client address may make per minute before it is answered 429.</summary>
    public int ApiKeyFailuresPerMinute { get; set; } = 10;
}
