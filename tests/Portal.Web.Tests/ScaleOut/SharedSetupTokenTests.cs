using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Tests.ScaleOut;

/// <summary>The first-start link printed by one node, opened through a load balancer that picks another node.</summary>
public sealed class SharedSetupTokenTests
{
    [Fact]
    public void A_setup_link_printed_by_one_node_is_accepted_by_another_node_of_the_cluster()
    {
        var shared = new InMemorySetupTokens();
        var nodeA = new SetupToken(shared);
        var nodeB = new SetupToken(shared);

        var token = nodeA.Issue();

        Assert.True(nodeB.Matches(token));
        Assert.False(nodeB.Matches(token + "x"));
        Assert.False(nodeB.Matches(null));
    }

    [Fact]
    public void The_cluster_keeps_only_hashes_of_setup_tokens_and_forgets_them_once_the_first_admin_exists()
    {
        var shared = new InMemorySetupTokens();
        var nodeA = new SetupToken(shared);
        var nodeB = new SetupToken(shared);
        var token = nodeA.Issue();

        Assert.DoesNotContain(token, shared.Hashes);
        nodeB.Invalidate();

        Assert.Empty(shared.Hashes);
        Assert.False(nodeB.Matches(token));
    }

    [Fact]
    public void Without_a_cluster_only_the_printing_node_accepts_its_link()
    {
        var nodeA = new SetupToken();
        var nodeB = new SetupToken();

        Assert.False(nodeB.Matches(nodeA.Issue()));
    }

    private sealed class InMemorySetupTokens : ISharedSetupTokens
    {
        public HashSet<string> Hashes { get; } = [];

        public void Add(string hash) => Hashes.Add(hash);

        public bool Contains(string hash) => Hashes.Contains(hash);

        public void Clear() => Hashes.Clear();
    }
}
