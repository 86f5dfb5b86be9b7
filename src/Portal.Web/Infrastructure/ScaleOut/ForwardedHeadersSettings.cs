using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Portal.Web.Infrastructure.ScaleOut;

/// <summary>
/// Configuration section <c>Portal:ForwardedHeaders</c>: behind a load balancer, take the client address and scheme
/// from <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c>, so per-client limits (failed API keys) see the real client.
/// Off by default: a portal reached directly must not believe a header any client can send.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "Portal:ForwardedHeaders";

    public bool Enabled { get; set; }

    /// <summary>
    /// Proxies whose headers are believed, as addresses or CIDR networks ("10.0.0.5", "172.16.0.0/12"). Empty: any
    /// sender — only right when nothing but the load balancer can reach the nodes (a private network, as in compose).
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>How many proxies deep the client address is taken from (1: the address the load balancer saw).</summary>
    public int ForwardLimit { get; set; } = 1;

    public void ApplyTo(ForwardedHeadersOptions options)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.ForwardLimit = Math.Max(1, ForwardLimit);
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var entry in KnownProxies.Select(p => p.Trim()).Where(p => p.Length > 0))
        {
            if (entry.Contains('/'))
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
            }
            else
            {
                options.KnownProxies.Add(IPAddress.Parse(entry));
            }
        }
    }
}
