using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace Portal.Web.Infrastructure.Jobs;

/// <summary>
/// Hangfire logs through one process-wide provider, which each host replaces with its own when it starts. With several
/// hosts in one process (the in-memory test hosts) the provider may belong to a host already disposed; its logger
/// factory then throws, and a host starting at that moment would fail. This provider logs nothing in that case instead.
/// </summary>
public sealed class HostLogProvider(ILoggerFactory loggerFactory) : ILogProvider
{
    private readonly AspNetCoreLogProvider inner = new(loggerFactory);

    public ILog GetLogger(string name)
    {
        try
        {
            return inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return Silent.Instance;
        }
    }

    private sealed class Silent : ILog
    {
        public static readonly Silent Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
