using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Identity;

/// <summary>The ingestion policy: a key scoped to the route's model, an admin key, or an Engineer or higher.</summary>
public sealed class ModelWriterPolicyTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Theory]
    [InlineData("key:churn", "churn", true)]
    [InlineData("key:churn", "fraud", false)]
    [InlineData("key:admin", "fraud", true)]
    [InlineData("role:Viewer", "churn", false)]
    [InlineData("role:Engineer", "churn", true)]
    [InlineData("role:Admin", "churn", true)]
    public async Task Model_writer(string who, string model, bool allowed)
    {
        var (kind, value) = (who.Split(':')[0], who.Split(':')[1]);
        var identity = kind == "key"
            ? ApiKeyIdentity.Create("k", value)
            : new ClaimsIdentity([new(ClaimTypes.Name, "u"), new(ClaimTypes.Role, value)], "test");
        var http = new DefaultHttpContext();
        http.Request.RouteValues["model"] = model;

        var authorization = factory.Services.GetRequiredService<IAuthorizationService>();
        var result = await authorization.AuthorizeAsync(new ClaimsPrincipal(identity), http, Policies.ModelWriter);

        Assert.Equal(allowed, result.Succeeded);
    }
}
