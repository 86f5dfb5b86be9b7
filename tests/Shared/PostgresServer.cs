using Npgsql;

namespace Portal.Tests.Shared;

/// <summary>
/// A throw-away PostgreSQL cluster from Debian's packages (<c>/usr/lib/postgresql/N/bin</c>): initdb into a temporary
/// folder, started on a free loopback port (socket in the same folder), one database <c>portal</c> owned by the
/// trusted user <c>portal</c>. PostgreSQL refuses to run as root, so as root the folder is given to the <c>postgres</c>
/// OS user (created by the package) and its tools are run through <c>runuser -u postgres --</c>.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string folder;
    private readonly string bin;
    private readonly string? runAs;

    private PostgresServer(string folder, string bin, string? runAs, int port)
    {
        this.folder = folder;
        this.bin = bin;
        this.runAs = runAs;
        Port = port;
    }

    public int Port { get; }

    public string Data => Path.Combine(folder, "data");

    /// <summary>The PostgreSQL tools' folder (psql, pg_ctl, …).</summary>
    public string Bin => bin;

    public string ConnectionString(string database = "portal") =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=portal;Maximum Pool Size=50";

    /// <param name="durable">false (tests): fsync off, a crash of the whole machine may lose data; true (benchmarks): PostgreSQL's defaults.</param>
    public static async Task<PostgresServer> StartAsync(bool durable = false)
    {
        var bin = FindBin();
        var folder = Directory.CreateTempSubdirectory("portal-pg-").FullName;
        var runAs = ExternalProcess.IsRoot ? "postgres" : null;
        if (runAs is not null)
        {
            await ExternalProcess.RunAsync("chown", ["-R", "postgres:postgres", folder], TimeSpan.FromSeconds(10));
        }

        var server = new PostgresServer(folder, bin, runAs, ExternalProcess.FreePort());
        try
        {
            await server.Tool("initdb", ["-D", server.Data, "-U", "portal", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"], TimeSpan.FromSeconds(120));
            var options = $"-p {server.Port} -c listen_addresses=127.0.0.1 -k {folder} -c max_connections=300 -c shared_buffers=128MB"
                + (durable ? "" : " -c fsync=off -c full_page_writes=off");
            await server.Tool("pg_ctl", ["-D", server.Data, "-l", Path.Combine(folder, "postgres.log"), "-w", "-t", "120", "-o", options, "start"], TimeSpan.FromSeconds(150));
            await using var connection = new NpgsqlConnection(server.ConnectionString("postgres"));
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE portal", connection);
            await create.ExecuteNonQueryAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Another empty database on this server (for a second cluster), owned by <c>portal</c>.</summary>
    public async Task CreateDatabaseAsync(string database)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        await create.ExecuteNonQueryAsync();
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Runs one statement on <paramref name="database"/> (CREATE and DROP DATABASE: on <c>postgres</c>).</summary>
    public async Task ExecuteAsync(string sql, string database = "portal")
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(result!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Stops the cluster and deletes its folder once process <paramref name="pid"/> has ended, however it ended: a test
    /// process has no reliable last moment (the runner may kill it), so a detached shell loop waits for it.
    /// </summary>
    public void StopWhenProcessEnds(int pid)
    {
        var stop = (runAs is null ? "" : $"runuser -u {runAs} -- ") + $"'{Path.Combine(bin, "pg_ctl")}' -D '{Data}' -m immediate -w stop";
        var start = new System.Diagnostics.ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec </dev/null >/dev/null 2>&1; while kill -0 {pid}; do sleep 1; done; {stop}; rm -rf '{folder}'");
        System.Diagnostics.Process.Start(start)?.Dispose();
    }

    public string Log => File.Exists(Path.Combine(folder, "postgres.log")) ? File.ReadAllText(Path.Combine(folder, "postgres.log")) : "";

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (Directory.Exists(Path.Combine(Data, "base")))
        {
            try
            {
                await Tool("pg_ctl", ["-D", Data, "-m", "immediate", "-w", "stop"], TimeSpan.FromSeconds(60));
            }
            catch (Exception)
            {
                // The folder goes below; a server left behind dies with its data directory's removal at the latest on reboot.
            }
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task<string> Tool(string name, string[] arguments, TimeSpan timeout) =>
        ExternalProcess.RunAsync(Path.Combine(bin, name), arguments, timeout, runAs);

    /// <summary>The newest installed major version's bin folder.</summary>
    private static string FindBin()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .OrderByDescending(x => x.Version)
                .Select(x => Path.Combine(x.Dir, "bin"))
                .FirstOrDefault(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
            : null;
        return bin ?? throw new InvalidOperationException("PostgreSQL not found under /usr/lib/postgresql/*/bin: apt-get install postgresql (bash .ci/test.sh does).");
    }
}
