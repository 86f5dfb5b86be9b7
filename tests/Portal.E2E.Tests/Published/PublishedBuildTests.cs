using System.IO.Compression;
using System.Text.RegularExpressions;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.Published;

/// <summary>A published build started from "/" finds its static files and appsettings.json in its own folder.</summary>
[Collection(PublishedPortalCollection.Name)]
public sealed partial class PublishedBuildTests(PublishedPortalFixture portal)
{
    [Theory]
    [InlineData("/_framework/blazor.web.js", "wwwroot/_framework/blazor.web.js")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css", "wwwroot/_content/MudBlazor/MudBlazor.min.css")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.js", "wwwroot/_content/MudBlazor/MudBlazor.min.js")]
    [InlineData("/app.css", "wwwroot/app.css")]
    [InlineData("/Portal.Web.styles.css", "wwwroot/Portal.Web.styles.css")]
    [InlineData("/_content/Plotly.Blazor/plotly-3.7.0.min.js", "wwwroot/_content/Plotly.Blazor/plotly-3.7.0.min.js")]
    [InlineData("/shared/theme.css", "wwwroot-shared/theme.css")]
    [InlineData("/shared/plotly-template.json", "wwwroot-shared/plotly-template.json")]
    public async Task Static_files_are_served_whole_when_started_from_the_root_folder(string url, string file)
    {
        var expected = await File.ReadAllBytesAsync(Path.Combine(portal.PublishFolder, file));
        using var client = portal.CreateHttpClient();

        var served = await client.GetByteArrayAsync(url);

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Length, served.Length);
        Assert.Equal(expected, served);
    }

    // The 4.85 MB Plotly bundle is the page's largest download; MapStaticAssets serves the .br/.gz made at publish
    // (a client that accepts neither gets it whole: the test above).
    [Theory]
    [InlineData("gzip, deflate, br", "br")]
    [InlineData("gzip, deflate", "gzip")]
    public async Task The_plotly_script_is_sent_precompressed_in_an_encoding_the_client_accepts(string acceptEncoding, string expected)
    {
        var original = await File.ReadAllBytesAsync(Path.Combine(portal.PublishFolder, "wwwroot/_content/Plotly.Blazor/plotly-3.7.0.min.js"));
        using var client = portal.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_content/Plotly.Blazor/plotly-3.7.0.min.js");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);

        using var response = await client.SendAsync(request);
        var sent = await response.Content.ReadAsByteArrayAsync();

        response.EnsureSuccessStatusCode();
        Assert.Equal([expected], response.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.True(sent.Length < original.Length / 3, $"{sent.Length:N0} bytes sent for {original.Length:N0}");
        Assert.Equal(original, Decompress(sent, expected));
    }

    [Fact]
    public async Task Every_stylesheet_and_script_the_page_links_has_content()
    {
        using var client = portal.CreateHttpClient();
        var html = await client.GetStringAsync("/login");
        var urls = AssetReference().Matches(html).Select(m => m.Groups["url"].Value).Where(u => u.EndsWith(".css", StringComparison.Ordinal) || u.EndsWith(".js", StringComparison.Ordinal)).ToList();

        Assert.Contains(urls, u => u.Contains("blazor.web", StringComparison.Ordinal));
        Assert.Contains(urls, u => u.Contains("MudBlazor.min", StringComparison.Ordinal));
        foreach (var url in urls)
        {
            using var response = await client.GetAsync(url);
            Assert.True(response.IsSuccessStatusCode, $"{url}: {response.StatusCode}");
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 0, $"{url} is empty");
        }
    }

    [Fact]
    public async Task Appsettings_json_is_read_so_sql_commands_are_not_logged()
    {
        using var client = portal.CreateHttpClient(portal.ApiKey);
        (await client.GetAsync("/api/v1/models")).EnsureSuccessStatusCode();

        Assert.Contains("Now listening on", portal.ServerLog);
        Assert.DoesNotContain("Executed DbCommand", portal.ServerLog);
    }

    [Fact]
    public async Task The_page_goes_live_and_signs_in()
    {
        var page = await portal.NewPageAsync();

        Assert.False(await page.IsVisibleAsync("#blazor-error-ui"));
        Assert.Equal("rgb(255, 255, 255)", await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.mud-appbar') ?? document.body).color"));
        Assert.Empty(portal.CspViolations);
        await PortalServerFixture.ScreenshotAsync(page, "published-home");
    }

    private static byte[] Decompress(byte[] sent, string encoding)
    {
        using var input = new MemoryStream(sent);
        using Stream decoder = encoding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    [GeneratedRegex("""(?:href|src)="(?<url>[^"]+)""")]
    private static partial Regex AssetReference();
}
