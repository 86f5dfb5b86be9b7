using System.Net;
using Portal.Tests.SingleSignOn;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Identity.SingleSignOn;

/// <summary>The test OpenID provider and a portal pointed at it (local accounts on unless a subclass says otherwise).</summary>
public class SingleSignOnHost : IAsyncLifetime
{
    public TestOpenIdProvider Provider { get; private set; } = default!;

    public PortalFactory Portal { get; private set; } = default!;

    protected virtual bool LocalAccounts => true;

    public async Task InitializeAsync()
    {
        Provider = await TestOpenIdProvider.StartAsync();
        var settings = Provider.PortalSettings();
        settings["Portal:Auth:LocalAccounts:Enabled"] = LocalAccounts.ToString();
        Portal = new PortalFactory { Settings = settings };
        using var warmUp = Portal.CreateClient(); // start the host
    }

    public async Task DisposeAsync()
    {
        Portal.Dispose();
        await Provider.DisposeAsync();
    }

    /// <summary>A browser: the portal's cookie-keeping client plus plain requests to the provider, following redirects by hand.</summary>
    public SsoBrowser NewBrowser() => new(Portal.CreateBrowserClient(), Provider.Authority);
}

public sealed class LocalAccountsOffHost : SingleSignOnHost
{
    protected override bool LocalAccounts => false;
}

/// <summary>
/// Follows redirects between the in-memory portal and the provider like a browser, keeping every response so tests
/// can look at each hop (its status, Location and Set-Cookie).
/// </summary>
public sealed class SsoBrowser(HttpClient portal, string providerAuthority) : IDisposable
{
    private readonly HttpClient provider = new(new HttpClientHandler { AllowAutoRedirect = false });

    public HttpClient Portal => portal;

    /// <summary>Every response so far, with the URL it answered.</summary>
    public List<(Uri Url, HttpResponseMessage Response)> Hops { get; } = [];

    /// <summary>Called with each redirect back to the portal before it is followed (null: follow at once).</summary>
    public Func<Uri, Task>? BeforeReturningToPortal { get; set; }

    public Task<HttpResponseMessage> GetAsync(string portalPath) => FollowAsync(new HttpRequestMessage(HttpMethod.Get, portalPath));

    /// <summary>Sends <paramref name="request"/> to the portal and follows redirects; returns the last response.</summary>
    public async Task<HttpResponseMessage> FollowAsync(HttpRequestMessage request)
    {
        var response = await portal.SendAsync(request);
        Hops.Add((new Uri(portal.BaseAddress!, request.RequestUri!), response));
        for (var i = 0; i < 20 && response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther; i++)
        {
            var location = new Uri(Hops[^1].Url, response.Headers.Location!);
            if (location.GetLeftPart(UriPartial.Authority) == providerAuthority)
            {
                response = await provider.GetAsync(location);
            }
            else
            {
                Assert.Equal(portal.BaseAddress!.GetLeftPart(UriPartial.Authority), location.GetLeftPart(UriPartial.Authority));
                if (BeforeReturningToPortal is not null)
                {
                    await BeforeReturningToPortal(location);
                }

                response = await portal.GetAsync(location.PathAndQuery);
            }

            Hops.Add((location, response));
        }

        return response;
    }

    /// <summary>Every cookie the portal set along the way (name=value…).</summary>
    public IEnumerable<string> PortalCookies => Hops
        .Where(h => h.Url.Host == portal.BaseAddress!.Host)
        .SelectMany(h => h.Response.Headers.TryGetValues("Set-Cookie", out var values) ? values : []);

    public IEnumerable<string> Paths => Hops.Select(h => h.Url.AbsolutePath);

    public void Dispose()
    {
        portal.Dispose();
        provider.Dispose();
    }
}
