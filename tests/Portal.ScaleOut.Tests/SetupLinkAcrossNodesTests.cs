using System.Net;
using System.Text.RegularExpressions;
using Npgsql;
using Portal.ScaleOut.Tests.Infrastructure;

namespace Portal.ScaleOut.Tests;

/// <summary>
/// A new cluster without users: every node prints a one-time setup link, and the token's hash goes to Redis so the link
/// works through the load balancer on any node, once. Runs two nodes of its own (its own database and Redis, no
/// bootstrap admin) beside the shared cluster.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class SetupLinkAcrossNodesTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_setup_link_printed_by_node_A_works_on_node_B_once_and_its_hash_in_Redis_expires()
    {
        var database = "setup_" + Guid.NewGuid().ToString("N")[..8];
        await cluster.Postgres.CreateDatabaseAsync(database);
        await using var redis = await RedisServer.StartAsync();
        PortalNode New(string name) => cluster.CreateNode(name, environment =>
        {
            environment["ConnectionStrings__Portal"] = cluster.Postgres.ConnectionString(database);
            environment["ConnectionStrings__Redis"] = redis.ConnectionString;
            environment.Remove("Portal__Bootstrap__ApiKey");
            environment.Remove("Portal__Bootstrap__AdminEmail");
            environment.Remove("Portal__Bootstrap__AdminPassword");
        });
        var a = New("setup-A");
        var b = New("setup-B");
        a.Start();
        b.Start();
        await Task.WhenAll(a.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120)), b.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120)));
        var token = await PrintedTokenAsync(a);

        // B never printed this token: it finds the hash in Redis, which forgets it a day after the last link was printed.
        using var onB = b.CreateClient();
        using var onA = a.CreateClient();
        var form = await onB.GetAsync($"/setup?token={token}");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var formOnB = await form.Content.ReadAsStringAsync();
        Assert.Contains("Create admin", formOnB);
        Assert.Equal(HttpStatusCode.Forbidden, (await onB.GetAsync($"/setup?token={token}x")).StatusCode);
        var ttl = long.Parse(await redis.CommandAsync("TTL", "portal:setup-tokens"));
        Assert.InRange(ttl, 1, (long)TimeSpan.FromDays(1).TotalSeconds);

        // Used on both nodes at the same moment (a double submit through the balancer): one first admin, not two.
        var formOnA = await (await onA.GetAsync($"/setup?token={token}")).Content.ReadAsStringAsync();
        var answers = await Task.WhenAll(SubmitAsync(onB, formOnB, token, "first-b@portal.test"), SubmitAsync(onA, formOnA, token, "first-a@portal.test"));
        Assert.Contains(answers, r => r.StatusCode == HttpStatusCode.Redirect);
        Assert.Equal(1, await UsersAsync(database));

        // Afterwards the link is spent on every node, and Redis no longer holds its hash.
        foreach (var (client, page) in new[] { (onA, formOnA), (onB, formOnB) })
        {
            Assert.Contains("set up already", await client.GetStringAsync($"/setup?token={token}"));
            await SubmitAsync(client, page, token, $"again-{Guid.NewGuid():N}@portal.test");
        }

        Assert.Equal(1, await UsersAsync(database));
        Assert.Equal("0", await redis.CommandAsync("EXISTS", "portal:setup-tokens"));
    }

    private static async Task<string> PrintedTokenAsync(PortalNode node)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (SetupLink().Match(node.Log) is { Success: true } link)
            {
                return link.Groups["token"].Value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Node {node.Name} printed no setup link:\n{node.Log}");
    }

    /// <summary>Posts the setup form (its antiforgery token and handler taken from the page) with a new admin.</summary>
    private static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string page, string token, string email)
    {
        var fields = new Dictionary<string, string>
        {
            ["Input.Token"] = token,
            ["Input.Email"] = email,
            ["Input.DisplayName"] = "First admin",
            ["Input.Password"] = "a long setup password 1",
            ["Input.ConfirmPassword"] = "a long setup password 1",
        };
        foreach (Match hidden in HiddenInput().Matches(page))
        {
            fields.TryAdd(WebUtility.HtmlDecode(hidden.Groups["name"].Value), WebUtility.HtmlDecode(hidden.Groups["value"].Value));
        }

        return await client.PostAsync("/setup", new FormUrlEncodedContent(fields));
    }

    private async Task<long> UsersAsync(string database)
    {
        await using var connection = new NpgsqlConnection(cluster.Postgres.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT count(*) FROM "AspNetUsers" """, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [GeneratedRegex(@"/setup\?token=(?<token>[A-Za-z0-9_-]+)")]
    private static partial Regex SetupLink();

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)"\s*/?>""")]
    private static partial Regex HiddenInput();
}
