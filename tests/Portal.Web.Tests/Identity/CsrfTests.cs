using System.Net;
using System.Text;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;

namespace Portal.Web.Tests.Identity;

/// <summary>
/// Cookie-authenticated writes under /api need an antiforgery token, or JSON from the portal's own origin
/// (<see cref="CookieWriteProtection"/>); API-key writes do not.
/// </summary>
public sealed class CsrfTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private const string Prediction = """{"predictionId": "csrf-1", "prediction": 1, "score": 0.9}""";
    private const string Sibling = "http://evil.localhost";

    [Theory]
    [InlineData("text/plain", Sibling)]
    [InlineData("text/plain", null)]
    [InlineData("application/x-www-form-urlencoded", PortalFactory.OwnOrigin)]
    [InlineData("multipart/form-data; boundary=x", PortalFactory.OwnOrigin)]
    [InlineData("application/json", Sibling)]
    [InlineData("application/json", null)]
    public async Task A_cookie_write_a_foreign_page_could_send_is_refused_with_the_reason(string contentType, string? origin)
    {
        await CreateModelAsync(factory.CreateApiClient(), "csrf");
        using var admin = await SignedInAdminAsync(origin);

        using var prediction = await admin.PostAsync("/api/v1/models/csrf/predictions", Body(Prediction, contentType));
        using var driftRun = await admin.PostAsync("/api/v1/models/csrf/drift/run", Body("", contentType));

        foreach (var response in new[] { prediction, driftRun })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Cross-site request refused", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_cookie_write_without_any_body_and_without_origin_is_refused()
    {
        await CreateModelAsync(factory.CreateApiClient(), "csrf");
        using var admin = await SignedInAdminAsync(origin: null);

        using var response = await admin.PostAsync("/api/v1/models/csrf/drift/run", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("no content type", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Json_from_the_portals_own_origin_is_accepted_by_origin_or_referer()
    {
        await CreateModelAsync(factory.CreateApiClient(), "csrf");
        using var byOrigin = await SignedInAdminAsync(PortalFactory.OwnOrigin);
        using var byReferer = await SignedInAdminAsync(origin: null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/models/csrf/drift/run") { Content = Body("{}", "application/json") };
        request.Headers.Referrer = new Uri(PortalFactory.OwnOrigin + "/models/csrf");

        using var prediction = await byOrigin.PostAsync("/api/v1/models/csrf/predictions", Body(Prediction, "application/json"));
        using var driftRun = await byReferer.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, prediction.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, driftRun.StatusCode);
    }

    [Fact]
    public async Task A_valid_antiforgery_token_allows_any_body_and_origin()
    {
        await CreateModelAsync(factory.CreateApiClient(), "csrf");
        using var admin = await SignedInAdminAsync(origin: null);
        var token = PortalFactory.AntiforgeryToken(await admin.GetStringAsync("/login"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/models/csrf/drift/run") { Content = Body("", "text/plain") };
        request.Headers.Add(CookieWriteProtection.TokenHeader, token);
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/v1/models/csrf/drift/run") { Content = Body("", "text/plain") };
        forged.Headers.Add(CookieWriteProtection.TokenHeader, "not-a-token");

        using var response = await admin.SendAsync(request);
        using var refused = await admin.SendAsync(forged);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Api_key_writes_need_no_token_nor_origin()
    {
        await CreateModelAsync(factory.CreateApiClient(), "csrf");
        using var key = factory.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/models/csrf/predictions") { Content = Body(Prediction, "text/plain") };
        request.Headers.Add("Origin", Sibling);

        using var response = await key.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<HttpClient> SignedInAdminAsync(string? origin)
    {
        var user = await factory.CreateUserAsync(PortalRoles.Admin);
        var client = factory.CreateBrowserClient(origin);
        Assert.Equal(HttpStatusCode.Redirect, (await PortalFactory.PostLoginAsync(client, user.Email, PortalFactory.Password)).StatusCode);
        return client;
    }

    private static StringContent Body(string text, string contentType)
    {
        var content = new StringContent(text, Encoding.UTF8);
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }
}
