using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Tests.SingleSignOn;

/// <summary>A person as the test provider knows them; <see cref="Groups"/> become the ID token's "groups" claim.</summary>
public sealed record TestProviderUser(string Subject, string Email, string Name, IReadOnlyList<string> Groups);

/// <summary>
/// A small OpenID provider for tests, on Kestrel at a free loopback port: discovery document, JWKS (a fresh RSA key),
/// <c>/authorize</c> that approves <see cref="User"/> at once and insists on a PKCE S256 challenge, <c>/token</c> that
/// redeems a code once, only for its redirect URI, client secret and matching <c>code_verifier</c>, and answers an RS256
/// ID token; <c>/endsession</c> that records the call and returns to <c>post_logout_redirect_uri</c>.
/// </summary>
public sealed class TestOpenIdProvider : IAsyncDisposable
{
    public const string ClientId = "portal-test-client";
    public const string ClientSecret = "portal-test-secret";

    private readonly RSA rsa = RSA.Create(2048);
    private readonly string keyId = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<string, PendingCode> codes = new();
    private readonly ConcurrentQueue<IQueryCollection> authorizeRequests = new();
    private readonly ConcurrentQueue<IQueryCollection> endSessionRequests = new();
    private readonly ConcurrentQueue<string> issuedIdTokens = new();
    private WebApplication? app;

    private TestOpenIdProvider(bool advertiseEndSession) => AdvertiseEndSession = advertiseEndSession;

    /// <summary>The issuer, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Authority { get; private set; } = "";

    /// <summary>Who <c>/authorize</c> signs in (change it between sign-ins).</summary>
    public TestProviderUser User { get; set; } = new("sub-default", "default@corp.test", "Default User", []);

    public bool AdvertiseEndSession { get; }

    /// <summary>The query of every authorization request, oldest first.</summary>
    public IReadOnlyList<IQueryCollection> AuthorizeRequests => authorizeRequests.ToArray();

    /// <summary>The query of every call to the end-session endpoint.</summary>
    public IReadOnlyList<IQueryCollection> EndSessionRequests => endSessionRequests.ToArray();

    public IReadOnlyList<string> IssuedIdTokens => issuedIdTokens.ToArray();

    /// <summary>The configuration that points the portal at this provider, with groups mapped to roles.</summary>
    public Dictionary<string, string> PortalSettings(string displayName = "Test IdP") => new()
    {
        ["Portal:Auth:Oidc:Authority"] = Authority,
        ["Portal:Auth:Oidc:ClientId"] = ClientId,
        ["Portal:Auth:Oidc:ClientSecret"] = ClientSecret,
        ["Portal:Auth:Oidc:RequireHttpsMetadata"] = "false",
        ["Portal:Auth:Oidc:DisplayName"] = displayName,
        ["Portal:Auth:Oidc:RoleMap:ml-admins"] = "Admin",
        ["Portal:Auth:Oidc:RoleMap:ml-engineers"] = "Engineer",
        ["Portal:Auth:Oidc:RoleMap:ml-viewers"] = "Viewer",
    };

    public static async Task<TestOpenIdProvider> StartAsync(bool advertiseEndSession = true)
    {
        var provider = new TestOpenIdProvider(advertiseEndSession);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        provider.app = builder.Build();
        provider.Map(provider.app);
        await provider.app.StartAsync();
        provider.Authority = provider.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        rsa.Dispose();
    }

    /// <summary>The PKCE S256 challenge of a verifier: base64url(SHA-256(verifier)).</summary>
    public static string Challenge(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private void Map(WebApplication web)
    {
        web.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object?>
        {
            ["issuer"] = Authority,
            ["authorization_endpoint"] = $"{Authority}/authorize",
            ["token_endpoint"] = $"{Authority}/token",
            ["jwks_uri"] = $"{Authority}/jwks",
            ["end_session_endpoint"] = AdvertiseEndSession ? $"{Authority}/endsession" : null,
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { SecurityAlgorithms.RsaSha256 },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
        }));

        web.MapGet("/jwks", () =>
        {
            var key = rsa.ExportParameters(includePrivateParameters: false);
            return Results.Json(new
            {
                keys = new[]
                {
                    new { kty = "RSA", use = "sig", alg = SecurityAlgorithms.RsaSha256, kid = keyId, n = Base64UrlEncoder.Encode(key.Modulus), e = Base64UrlEncoder.Encode(key.Exponent) },
                },
            });
        });

        web.MapGet("/authorize", (HttpRequest request) =>
        {
            var query = request.Query;
            authorizeRequests.Enqueue(query);
            if (query["client_id"] != ClientId || query["response_type"] != "code" || string.IsNullOrEmpty(query["redirect_uri"]))
            {
                return Results.BadRequest("unknown client, or not the code flow");
            }

            if (query["code_challenge_method"] != "S256" || string.IsNullOrEmpty(query["code_challenge"]))
            {
                return Redirect(query["redirect_uri"]!, ("error", "invalid_request"), ("error_description", "PKCE with S256 is required"), ("state", query["state"]));
            }

            var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
            codes[code] = new PendingCode(query["redirect_uri"]!, query["code_challenge"]!, query["nonce"], User);
            return Redirect(query["redirect_uri"]!, ("code", code), ("state", query["state"]), ("iss", Authority));
        });

        web.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var (clientId, secret) = ClientCredentials(request, form);
            if (clientId != ClientId || secret != ClientSecret)
            {
                return Results.Json(new { error = "invalid_client" }, statusCode: StatusCodes.Status401Unauthorized);
            }

            if (form["grant_type"] != "authorization_code" || !codes.TryGetValue(form["code"].ToString(), out var pending)
                || form["redirect_uri"] != pending.RedirectUri)
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: StatusCodes.Status400BadRequest);
            }

            if (string.IsNullOrEmpty(form["code_verifier"]) || Challenge(form["code_verifier"]!) != pending.CodeChallenge)
            {
                return Results.Json(new { error = "invalid_grant", error_description = "code_verifier does not match the code_challenge" }, statusCode: StatusCodes.Status400BadRequest);
            }

            codes.TryRemove(form["code"].ToString(), out _);
            var accessToken = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
            var idToken = IdToken(pending, accessToken);
            issuedIdTokens.Enqueue(idToken);
            return Results.Json(new { access_token = accessToken, token_type = "Bearer", expires_in = 300, id_token = idToken });
        });

        web.MapGet("/endsession", (HttpRequest request) =>
        {
            endSessionRequests.Enqueue(request.Query);
            return request.Query["post_logout_redirect_uri"] is { Count: > 0 } back
                ? Redirect(back!, ("state", request.Query["state"]))
                : Results.Text("Signed out.");
        });
    }

    private string IdToken(PendingCode pending, string accessToken)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = pending.User.Subject,
            ["email"] = pending.User.Email,
            ["name"] = pending.User.Name,
            ["groups"] = pending.User.Groups.ToArray(),
            // at_hash: the left half of the access token's SHA-256, binding the two tokens together.
            ["at_hash"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))[..16]),
        };
        if (pending.Nonce is { Length: > 0 } nonce)
        {
            claims["nonce"] = nonce;
        }

        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = ClientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = keyId }, SecurityAlgorithms.RsaSha256),
        });
    }

    private static (string? ClientId, string? Secret) ClientCredentials(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..])).Split(':', 2);
            return (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1]));
        }

        return (form["client_id"], form["client_secret"]);
    }

    private static IResult Redirect(string target, params (string Name, string? Value)[] parameters)
    {
        var query = string.Join('&', parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));
        return Results.Redirect(target + (target.Contains('?') ? '&' : '?') + query);
    }

    private sealed record PendingCode(string RedirectUri, string CodeChallenge, string? Nonce, TestProviderUser User);
}
