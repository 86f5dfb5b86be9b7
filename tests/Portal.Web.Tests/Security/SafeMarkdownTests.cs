using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Portal.Web.Infrastructure;

namespace Portal.Web.Tests.Security;

/// <summary>
/// Runbook Markdown is written by admins and read by everyone: no payload may come out as a live script, event
/// handler or script URL. The output is parsed the way a browser parses it (entities decoded) before it is checked.
/// </summary>
public sealed class SafeMarkdownTests
{
    public static TheoryData<string> Payloads => new()
    {
        "[x](javascript:window.__xss=1)",
        "[x](JaVaScRiPt:window.__xss=1)",
        "[x](  javascript:window.__xss=1)",
        "[x](&#106;avascript:window.__xss=1)",
        "[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;window.__xss=1)",
        "[x](java&#9;script:window.__xss=1)",
        "[x](javascript&colon;window.__xss=1)",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
        "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+)",
        "[x][r]\n\n[r]: javascript:window.__xss=1",
        "<javascript:window.__xss=1>",
        "<JAVASCRIPT:window.__xss=1>",
        "![x](x){onerror=window.__xss=1}",
        "[x](https://example.com){onclick=window.__xss=1}",
        "# Title {onmouseover=window.__xss=1}",
        "# Title {#t style=\"background:url(javascript:window.__xss=1)\"}",
        "Text {onfocus=window.__xss=1 autofocus tabindex=0}\n",
        "![x](https://example.com/x.png){width=1 onload=window.__xss=1}",
        "[x](https://example.com \"t\\\" onmouseover=\\\"window.__xss=1\")",
        "https://example.com/\"onmouseover=\"window.__xss=1",
        "<script>window.__xss=1</script>",
        "<img src=x onerror=window.__xss=1>",
        "<svg onload=window.__xss=1></svg>",
        "<iframe src=\"javascript:window.__xss=1\"></iframe>",
        "<a href=\"javascript:window.__xss=1\">x</a>",
        "<object data=\"javascript:window.__xss=1\"></object>",
        "<form action=\"javascript:window.__xss=1\"><button>x</button></form>",
        "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
        "| a |\n|---|\n| [x](javascript:window.__xss=1) |",
        "- [x] done {onclick=window.__xss=1}",
        "::: warning {onmouseover=window.__xss=1}\ntext\n:::",
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Payload_leaves_no_script_handler_or_script_url(string markdown)
    {
        var html = SafeMarkdown.ToHtml(markdown);
        var body = new HtmlParser().ParseDocument("<body>" + html + "</body>").Body!;

        foreach (var element in body.QuerySelectorAll("*"))
        {
            Assert.DoesNotContain(element.LocalName, new[] { "script", "iframe", "object", "embed", "svg", "math", "form", "style", "button", "base", "meta", "link" });
            foreach (var attribute in element.Attributes)
            {
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"{attribute.Name} on <{element.LocalName}> in {html}");
                Assert.NotEqual("style", attribute.Name);
                if (attribute.Name is "href" or "src" or "action" or "formaction" or "data" or "xlink:href")
                {
                    AssertSafeUrl(attribute.Value, html);
                }
            }
        }
    }

    [Fact]
    public void Raw_html_shows_as_text()
    {
        var html = SafeMarkdown.ToHtml("# Step\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)> **bold**");

        Assert.Contains("<h1", html);
        Assert.Contains("<strong>bold</strong>", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.Contains("&lt;script&gt;", html);
    }

    [Fact]
    public void Safe_markdown_keeps_tables_code_links_headings_and_task_lists()
    {
        const string markdown = """
            ## Check the feed

            | step | where |
            |:-----|------:|
            | 1    | `kubectl get pods` |

            ```bash
            kubectl logs deploy/churn --since=1h
            ```

            See [the docs](https://example.com/docs?a=1&b=2), the [alert list](/alerts), [the drift tab](models/churn?tab=drift),
            <https://example.com/auto>, www.example.com and [on-call](mailto:oncall@example.com).

            ![chart](https://example.com/chart.png "Latency")

            - [x] paged the owner
            - [ ] rolled back

            1. first
            2. second
            """;

        var html = SafeMarkdown.ToHtml(markdown);
        var body = new HtmlParser().ParseDocument("<body>" + html + "</body>").Body!;

        Assert.Equal("Check the feed", body.QuerySelector("h2#user-content-check-the-feed")?.TextContent);
        Assert.Equal(["step", "where"], body.QuerySelectorAll("table thead th").Select(th => th.TextContent));
        Assert.Equal("text-align: right", body.QuerySelectorAll("table th")[1].GetAttribute("style")?.TrimEnd(';'));
        Assert.Equal("kubectl get pods", body.QuerySelector("td code")?.TextContent);
        Assert.Equal("language-bash", body.QuerySelector("pre code")?.ClassName);
        Assert.Contains("kubectl logs deploy/churn", body.QuerySelector("pre code")?.TextContent);
        var links = body.QuerySelectorAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(["https://example.com/docs?a=1&b=2", "/alerts", "models/churn?tab=drift", "https://example.com/auto", "http://www.example.com", "mailto:oncall@example.com"], links);
        Assert.Equal("https://example.com/chart.png", body.QuerySelector("img")?.GetAttribute("src"));
        Assert.Equal("chart", body.QuerySelector("img")?.GetAttribute("alt"));
        Assert.Equal(2, body.QuerySelectorAll("li input[type=checkbox][disabled]").Length);
        Assert.Single(body.QuerySelectorAll("li input[checked]"));
        Assert.Equal(2, body.QuerySelectorAll("ol li").Length);
    }

    [Fact]
    public void Ids_and_links_to_them_are_prefixed_so_they_cannot_replace_the_pages_own()
    {
        var html = SafeMarkdown.ToHtml("# Title {#components-reconnect-modal}\n\n[top](#components-reconnect-modal) [docs](https://example.com/#x)");
        var body = new HtmlParser().ParseDocument("<body>" + html + "</body>").Body!;

        Assert.Null(body.QuerySelector("#components-reconnect-modal"));
        Assert.Equal("Title", body.QuerySelector("h1#user-content-components-reconnect-modal")?.TextContent);
        Assert.Equal(["#user-content-components-reconnect-modal", "https://example.com/#x"], body.QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
    }

    private static void AssertSafeUrl(string url, string html)
    {
        // What the browser does with the value: control characters and whitespace inside a scheme are dropped.
        var compact = new string(url.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray());
        var colon = compact.IndexOf(':');
        var slash = compact.IndexOfAny(['/', '?', '#']);
        if (colon < 0 || (slash >= 0 && slash < colon))
        {
            return; // relative
        }

        var scheme = compact[..colon].ToLowerInvariant();
        Assert.True(scheme is "http" or "https" or "mailto", $"URL \"{url}\" with scheme {scheme} in {html}");
    }
}
