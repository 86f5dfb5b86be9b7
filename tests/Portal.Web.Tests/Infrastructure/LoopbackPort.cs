using System.Net;
using System.Net.Sockets;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>A loopback port that was free a moment ago (the OS's pick): servers started by tests never collide.</summary>
public static class LoopbackPort
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
