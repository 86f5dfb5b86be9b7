using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.ScaleOut;

/// <summary>Behind a load balancer every request comes from its address: the client's own is in X-Forwarded-For.</summary>
public sealed class ForwardedHeadersTests
{
    [Fact]
    public async Task With_forwarded_headers_on_each_client_behind_the_balancer_has_its_own_failed_key_limit()
    {
        using var factory = new PortalFactory { ApiKeyFailuresPerMinute = null, Settings = { ["Portal:ForwardedHeaders:Enabled"] = "true" } };

        await FailTenTimesAsync(factory, "203.0.113.7");

        Assert.Equal(HttpStatusCode.TooManyRequests, (await GuessAsync(factory, "203.0.113.7")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GuessAsync(factory, "198.51.100.20")).StatusCode);
    }

    [Fact]
    public async Task With_forwarded_headers_off_a_forged_header_does_not_get_a_client_a_fresh_limit()
    {
        using var factory = new PortalFactory { ApiKeyFailuresPerMinute = null };

        await FailTenTimesAsync(factory, "203.0.113.7");

        Assert.Equal(HttpStatusCode.TooManyRequests, (await GuessAsync(factory, "198.51.100.20")).StatusCode);
    }

    [Theory]
    [InlineData("10.1.2.3", HttpStatusCode.TooManyRequests)]
    [InlineData("192.0.2.0/24", HttpStatusCode.Unauthorized)]
    public async Task Only_the_known_proxies_are_believed(string knownProxies, HttpStatusCode otherClientGets)
    {
        // Every request arrives from the balancer at 192.0.2.1.
        using var factory = new PortalFactory
        {
            ApiKeyFailuresPerMinute = null,
            Settings = { ["Portal:ForwardedHeaders:Enabled"] = "true", ["Portal:ForwardedHeaders:KnownProxies:0"] = knownProxies },
            TestServices = services => services.AddSingleton<IStartupFilter>(new FromAddress(IPAddress.Parse("192.0.2.1"))),
        };

        await FailTenTimesAsync(factory, "203.0.113.7");

        Assert.Equal(otherClientGets, (await GuessAsync(factory, "198.51.100.20")).StatusCode);
    }

    private static async Task FailTenTimesAsync(PortalFactory factory, string client)
    {
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await GuessAsync(factory, client)).StatusCode);
        }
    }

    private static async Task<HttpResponseMessage> GuessAsync(PortalFactory factory, string forwardedFor)
    {
        using var client = factory.CreateApiClient("pk_aaaaaaaa_guess");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await client.SendAsync(request);
    }

    /// <summary>Gives every request the connection address of a load balancer (the test server leaves it empty).</summary>
    private sealed class FromAddress(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
