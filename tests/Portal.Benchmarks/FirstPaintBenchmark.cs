using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Portal.Benchmarks;

/// <summary>
/// Time from navigation start to the first chart drawn on a model's health tab, on a cold browser cache, and the bytes
/// of the Plotly script on the wire. The portal is published (<c>dotnet publish -c Release</c>, as deployed) into a
/// temporary folder and started from another folder (Production, temporary SQLite file, demo off, a bootstrap admin),
/// a model gets 2,000 predictions, and Debian's Chromium (Playwright) opens <c>/models/bench?tab=health</c> in a new
/// browser context per sample (empty cache, fresh connections), signed in by a saved cookie. Variants, interleaved so
/// the load of the machine spreads over all of them:
/// <list type="bullet">
/// <item>full bundle, uncompressed (the 4.85 MB before compression: the baseline);</item>
/// <item>full bundle, gzip (for a browser without Brotli);</item>
/// <item>full bundle, Brotli (what Chromium gets from the portal as published);</item>
/// <item>the cartesian partial bundle (scatter, bar, heatmap, …: every trace the portal draws), Brotli — its copy of the
/// published portal has the Plotly file (and its .gz/.br, and their lengths in the endpoint manifest) swapped for
/// <c>plotly.js-cartesian-dist-min</c> of the same Plotly version (from npm, or <c>--partial-bundle</c>).</item>
/// </list>
/// Chromium ignores an Accept-Encoding set by a Playwright route or extra headers, so each variant is its own copy of
/// the published portal whose endpoint manifest keeps only that encoding of the Plotly file (every other asset is
/// served as published); the response's Content-Encoding is checked in every sample. Each network profile (CDP
/// <c>Network.emulateNetworkConditions</c>, and unthrottled loopback) gets its own table; ratios are against the
/// uncompressed baseline of the same run.
/// </summary>
public static class FirstPaintBenchmark
{
    private const string Model = "bench";
    private const string AdminEmail = "bench-admin@portal.test";
    private const string ChartSelector = "#chart-requests .main-svg";
    private const string PlotlyFolder = "_content/Plotly.Blazor";

    // Records when the first chart's SVG is in the page; performance.now() counts from navigation start.
    private const string FirstChartProbe = """
        window.__firstChartMs = null;
        new MutationObserver((_, observer) => {
            const svg = document.querySelector('#chart-requests .main-svg');
            if (svg && svg.getBoundingClientRect().height > 0) {
                window.__firstChartMs = performance.now();
                observer.disconnect();
            }
        }).observe(document, { childList: true, subtree: true });
        """;

    private sealed record Variant(string Name, Server Server, string ExpectedEncoding);

    private sealed record NetworkProfile(double? DownloadMbit, double UploadMbit, double LatencyMs);

    private sealed record Sample(double FirstChartMs, double ScriptLoadedMs, long ScriptBytes, string Encoding);

    private sealed class Server(string dll, string database, string password) : IAsyncDisposable
    {
        private Process? process;

        public string Password => password;

        public string BaseUrl { get; private set; } = "";

        public string StorageState { get; set; } = "";

        public async Task StartAsync()
        {
            var port = ExternalProcess.FreePort();
            BaseUrl = $"http://127.0.0.1:{port}";
            process = IngestBenchmark.StartPortal(port, new Dictionary<string, string>
            {
                ["ConnectionStrings__Portal"] = $"Data Source={database}",
                ["Portal__Bootstrap__AdminEmail"] = AdminEmail,
                ["Portal__Bootstrap__AdminPassword"] = password,
            }, dll);
            using var http = new HttpClient { BaseAddress = new Uri(BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Add("X-Api-Key", IngestBenchmark.Key);
            await IngestBenchmark.WaitHealthyAsync(http, process);
            await IngestBenchmark.CreateModelAsync(http);
            var bodies = new IngestBenchmark.BatchBodies(DateTimeOffset.UtcNow.AddMinutes(-5));
            for (var i = 0; i < 2; i++)
            {
                using var content = new ByteArrayContent(bodies.Next());
                content.Headers.ContentType = new("application/json");
                (await http.PostAsync($"api/v1/models/{Model}/predictions", content)).EnsureSuccessStatusCode();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process?.Dispose();
        }
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var samples = IngestBenchmark.Option(args, "--samples", 7);
        var throttled = new NetworkProfile(IngestBenchmark.Option(args, "--down-mbit", 20), IngestBenchmark.Option(args, "--up-mbit", 5), IngestBenchmark.Option(args, "--latency-ms", 40));
        var loopback = new NetworkProfile(null, 0, 0);
        var partialBundle = StringOption(args, "--partial-bundle");
        var folder = Directory.CreateTempSubdirectory("portal-first-paint-");
        var password = "bench-pw-" + Guid.NewGuid().ToString("N");
        Console.WriteLine($"Dashboard first paint: {Environment.ProcessorCount} cores, load average {MachineLoad.Average()}, {samples} cold samples per variant and network");
        var servers = new List<Server>();
        try
        {
            var full = Path.Combine(folder.FullName, "full");
            await PublishedPortal.PublishAsync(full);
            var script = Directory.GetFiles(Path.Combine(full, "wwwroot", PlotlyFolder), "plotly-*.min.js").Single(f => !Path.GetFileName(f).StartsWith("plotly-basic", StringComparison.Ordinal));
            var file = Path.GetFileName(script);
            var version = file["plotly-".Length..^".min.js".Length];
            Console.WriteLine($"published: {file} {Size(script)} (as published: .gz {Size(script + ".gz")}, .br {Size(script + ".br")})");

            Server Serve(string name, string published)
            {
                var server = new Server(Path.Combine(published, "Portal.Web.dll"), Path.Combine(folder.FullName, name + ".db"), password);
                servers.Add(server);
                return server;
            }

            string Copy(string name, Action<string> change)
            {
                var copy = Path.Combine(folder.FullName, name);
                CopyFolder(full, copy);
                change(copy);
                return copy;
            }

            var variants = new List<Variant>
            {
                new("(b) full, uncompressed (before)", Serve("identity", Copy("identity", p => KeepPlotlyEncodings(p, file))), "identity"),
                new("(a) full, gzip", Serve("gzip", Copy("gzip", p => KeepPlotlyEncodings(p, file, "gzip"))), "gzip"),
                new("(a) full, Brotli (as published)", Serve("published", full), "br"),
            };
            var cartesian = partialBundle ?? await CartesianBundleFromNpmAsync(version, folder.FullName);
            if (cartesian is not null)
            {
                var partial = Copy("partial", p => SwapPlotly(p, file, File.ReadAllBytes(cartesian)));
                var swapped = Path.Combine(partial, "wwwroot", PlotlyFolder, file);
                Console.WriteLine($"partial: {Path.GetFileName(cartesian)} {Size(swapped)} (.gz {Size(swapped + ".gz")}, .br {Size(swapped + ".br")}; "
                    + $"the same Brotli level on the full bundle: {BrotliLength(await File.ReadAllBytesAsync(script)):N0} B)");
                variants.Add(new("(c) cartesian partial, Brotli", Serve("partial", partial), "br"));
            }

            foreach (var server in servers)
            {
                await server.StartAsync();
            }

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
            foreach (var server in servers)
            {
                server.StorageState = await SignInAsync(browser, server);
            }

            // One warm-up per variant (JIT of the portal's page, SQLite pages in memory), not counted.
            foreach (var variant in variants)
            {
                await MeasureAsync(browser, variant, loopback);
            }

            Console.WriteLine($"load average before sampling: {MachineLoad.Average()}");
            var results = new Dictionary<(NetworkProfile, Variant), List<Sample>>();
            for (var i = 0; i < samples; i++)
            {
                foreach (var network in new[] { throttled, loopback })
                {
                    foreach (var variant in variants)
                    {
                        var sample = await MeasureAsync(browser, variant, network);
                        if (sample.Encoding != variant.ExpectedEncoding)
                        {
                            throw new InvalidOperationException($"{variant.Name}: the Plotly script came with Content-Encoding {sample.Encoding}, not {variant.ExpectedEncoding}.");
                        }

                        if (!results.TryGetValue((network, variant), out var list))
                        {
                            results[(network, variant)] = list = [];
                        }

                        list.Add(sample);
                    }
                }
            }

            Console.WriteLine($"load average after sampling: {MachineLoad.Average()}");
            foreach (var network in new[] { throttled, loopback })
            {
                Console.WriteLine();
                Console.WriteLine(network.DownloadMbit is { } down
                    ? $"Throttled (CDP Network.emulateNetworkConditions): {down} Mbit/s down, {network.UploadMbit} Mbit/s up, {network.LatencyMs} ms latency"
                    : "Loopback, unthrottled");
                Console.WriteLine("| variant | Plotly script on the wire | script loaded (median) | first chart drawn: median (min–max) | ratio to (b) |");
                Console.WriteLine("|---|---|---|---|---|");
                var baseline = Median(results[(network, variants[0])].Select(s => s.FirstChartMs));
                foreach (var variant in variants)
                {
                    var list = results[(network, variant)];
                    var median = Median(list.Select(s => s.FirstChartMs));
                    Console.WriteLine($"| {variant.Name} | {list[0].ScriptBytes / 1000.0:N0} kB ({list[0].Encoding}) | {Median(list.Select(s => s.ScriptLoadedMs)):N0} ms "
                        + $"| {median:N0} ms ({list.Min(s => s.FirstChartMs):N0}–{list.Max(s => s.FirstChartMs):N0}) | {median / baseline:F2} |");
                }
            }

            return 0;
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Signs in through the login page once; the saved cookies let every cold context open the model page.</summary>
    private static async Task<string> SignInAsync(IBrowser browser, Server server)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("input[name='Input.Email']", AdminEmail);
        await page.FillAsync("input[name='Input.Password']", server.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        return await context.StorageStateAsync();
    }

    private static async Task<Sample> MeasureAsync(IBrowser browser, Variant variant, NetworkProfile network)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = variant.Server.BaseUrl,
            StorageState = variant.Server.StorageState,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        await context.AddInitScriptAsync(FirstChartProbe);
        var page = await context.NewPageAsync();
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Network.enable");
        if (network.DownloadMbit is { } down)
        {
            await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
            {
                ["offline"] = false,
                ["latency"] = network.LatencyMs,
                ["downloadThroughput"] = down * 1_000_000 / 8,
                ["uploadThroughput"] = network.UploadMbit * 1_000_000 / 8,
            });
        }

        IResponse? script = null;
        page.Response += (_, response) =>
        {
            if (response.Url.Contains($"/{PlotlyFolder}/plotly-", StringComparison.Ordinal) && response.Url.EndsWith(".min.js", StringComparison.Ordinal))
            {
                script = response;
            }
        };
        await page.GotoAsync($"/models/{Model}?tab=health", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync(ChartSelector, new PageWaitForSelectorOptions { State = WaitForSelectorState.Visible, Timeout = 120_000 });
        await page.WaitForFunctionAsync("window.__firstChartMs !== null");
        var firstChart = await page.EvaluateAsync<double>("window.__firstChartMs");
        var loaded = await page.EvaluateAsync<double>(
            "performance.getEntriesByType('resource').find(e => /\\/plotly-[^/]*\\.min\\.js$/.test(e.name))?.responseEnd ?? -1");
        if (script is null)
        {
            throw new InvalidOperationException($"{variant.Name}: the page drew its chart without loading the Plotly script.");
        }

        var sizes = await script.Request.SizesAsync();
        var headers = await script.AllHeadersAsync();
        return new Sample(firstChart, loaded, sizes.ResponseBodySize + sizes.ResponseHeadersSize, headers.GetValueOrDefault("content-encoding", "identity"));
    }

    /// <summary>plotly.js-cartesian-dist-min of <paramref name="version"/> by <c>npm pack</c>; null (variant skipped) without npm.</summary>
    private static async Task<string?> CartesianBundleFromNpmAsync(string version, string folder)
    {
        var npm = Path.Combine(folder, "npm");
        Directory.CreateDirectory(npm);
        try
        {
            await ExternalProcess.RunAsync("npm", ["pack", $"plotly.js-cartesian-dist-min@{version}", "--pack-destination", npm, "--silent"], TimeSpan.FromMinutes(3));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            Console.WriteLine($"partial bundle skipped (npm pack failed; pass --partial-bundle <plotly-cartesian.min.js>): {e.Message.Split('\n')[0]}");
            return null;
        }

        var tarball = Directory.GetFiles(npm, "*.tgz").Single();
        await using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
        {
            await TarFile.ExtractToDirectoryAsync(gzip, npm, overwriteFiles: true);
        }

        return Path.Combine(npm, "package", "plotly-cartesian.min.js");
    }

    /// <summary>
    /// Puts <paramref name="bundle"/> where the published portal serves <paramref name="file"/>: the file, its
    /// precompressed .gz and .br (highest compression, as the SDK's), and their Content-Length in the endpoint manifest.
    /// </summary>
    private static void SwapPlotly(string published, string file, byte[] bundle)
    {
        var path = Path.Combine(published, "wwwroot", PlotlyFolder, file);
        File.WriteAllBytes(path, bundle);
        using (var gz = new GZipStream(File.Create(path + ".gz"), CompressionLevel.SmallestSize))
        {
            gz.Write(bundle);
        }

        using (var br = new BrotliStream(File.Create(path + ".br"), CompressionLevel.SmallestSize))
        {
            br.Write(bundle);
        }

        var manifestPath = Directory.GetFiles(published, "*.staticwebassets.endpoints.json").Single();
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        foreach (var endpoint in manifest["Endpoints"]!.AsArray())
        {
            var asset = (string)endpoint!["AssetFile"]!;
            if (asset == $"{PlotlyFolder}/{file}" || asset == $"{PlotlyFolder}/{file}.gz" || asset == $"{PlotlyFolder}/{file}.br")
            {
                var length = new FileInfo(Path.Combine(published, "wwwroot", asset)).Length;
                foreach (var header in endpoint["ResponseHeaders"]!.AsArray())
                {
                    if ((string)header!["Name"]! == "Content-Length")
                    {
                        header["Value"] = length.ToString(CultureInfo.InvariantCulture);
                    }
                }
            }
        }

        File.WriteAllText(manifestPath, manifest.ToJsonString(), Encoding.UTF8);
    }

    /// <summary>
    /// Removes from the endpoint manifest the precompressed alternatives of <paramref name="file"/> other than
    /// <paramref name="encodings"/>, so the portal serves it that way (or uncompressed) whatever the browser accepts.
    /// </summary>
    private static void KeepPlotlyEncodings(string published, string file, params string[] encodings)
    {
        var manifestPath = Directory.GetFiles(published, "*.staticwebassets.endpoints.json").Single();
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        var endpoints = manifest["Endpoints"]!.AsArray();
        var dropped = endpoints.Where(e => (string)e!["Route"]! == $"{PlotlyFolder}/{file}"
            && e!["Selectors"]!.AsArray().Any(s => (string)s!["Name"]! == "Content-Encoding" && !encodings.Contains((string)s["Value"]!))).ToList();
        foreach (var endpoint in dropped)
        {
            endpoints.Remove(endpoint);
        }

        File.WriteAllText(manifestPath, manifest.ToJsonString(), Encoding.UTF8);
    }

    private static long BrotliLength(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var br = new BrotliStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            br.Write(bytes);
        }

        return buffer.Length;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Size(string file) => $"{new FileInfo(file).Length:N0} B";

    private static string? StringOption(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
