using System.Net;
using Microsoft.Net.Http.Headers;
using Portal.Web.Infrastructure;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Security;

/// <summary>Every response says: scripts only from the portal itself, no sniffing, no full referrer to other sites.</summary>
public sealed class SecurityHeadersTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Theory]
    [InlineData("/login", HttpStatusCode.OK)]
    [InlineData("/healthz", HttpStatusCode.OK)]
    [InlineData("/no-such-page", HttpStatusCode.Found)]
    [InlineData("/api/v1/models", HttpStatusCode.Unauthorized)]
    public async Task Pages_errors_and_api_answers_carry_the_policy(string path, HttpStatusCode status)
    {
        using var client = factory.CreateBrowserClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        var policy = Assert.Single(response.Headers.GetValues(HeaderNames.ContentSecurityPolicy));
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, policy);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues(HeaderNames.XContentTypeOptions)));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public void Policy_allows_scripts_only_from_the_portal_and_forbids_plugins_base_and_framing()
    {
        var directives = SecurityHeaders.ContentSecurityPolicy.Split(';', StringSplitOptions.TrimEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ').Skip(1).ToArray());

        Assert.Equal(["'self'"], directives["script-src"]);
        Assert.Equal(["'none'"], directives["object-src"]);
        Assert.Equal(["'self'"], directives["base-uri"]);
        Assert.Equal(["'none'"], directives["frame-ancestors"]);
        Assert.Equal(["'self'"], directives["default-src"]);
        Assert.DoesNotContain(directives.Values.SelectMany(v => v), v => v is "'unsafe-eval'" or "*");
    }
}
