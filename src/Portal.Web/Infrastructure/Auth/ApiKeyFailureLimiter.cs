using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>
/// Counts failed API key attempts per client address; past the limit further failures get 429 until the window ends.
/// Only failures are counted and refused: valid keys from the same address (an office behind one NAT) keep working.
/// </summary>
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

    /// <summary>Counts a failure; false when the address is over its limit (answer 429 instead of 401).</summary>
    public bool TryRecordFailure(string client)
    {
        using var lease = limiter.AttemptAcquire(client);
        return lease.IsAcquired;
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
