using Ganss.Xss;
using Markdig;
using Microsoft.AspNetCore.Components;

namespace Portal.Web.Infrastructure;

/// <summary>
/// The one way user-written Markdown (runbooks, their live preview, the runbook on an alert) becomes HTML: Markdig with
/// raw HTML shown as text, then HtmlSanitizer keeping only the elements, attributes and URL schemes Markdown needs.
/// Markdig alone is not enough: link targets (<c>[x](javascript:…)</c>) and generic attributes
/// (<c>{onerror=…}</c>) reach the HTML unchecked.
/// </summary>
public static class SafeMarkdown
{
    /// <summary>CommonMark plus tables, task lists, auto-links and heading ids; raw HTML is not rendered, it shows as text.</summary>
    public static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();

    /// <summary>Put before every id in the rendered Markdown (and every link to one), as GitHub does.</summary>
    public const string IdPrefix = "user-content-";

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    /// <summary>Markdown to sanitized HTML, ready to put in a page.</summary>
    public static MarkupString Render(string? markdown) => new(ToHtml(markdown));

    public static string ToHtml(string? markdown) => Sanitizer.Sanitize(Markdown.ToHtml(markdown ?? "", Pipeline));

    // Sanitize is safe to call from many threads once the sanitizer is configured.
    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code", "em", "strong", "del", "ins", "mark",
                "sub", "sup", "abbr", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td", "a", "img",
                "figure", "figcaption", "div", "span", "input",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "href", "title", "src", "alt", "id", "class", "start", "style", "type", "checked", "disabled", "colspan", "rowspan",
            },
            // Table column alignment is written as style="text-align: …"; nothing else in a style survives.
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "text-align" },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "src" },
        });
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is not AngleSharp.Dom.IElement element)
            {
                return;
            }

            // Task-list check boxes only: no text fields, buttons or hidden inputs from generic attributes.
            if (element.LocalName == "input" && element.GetAttribute("type") != "checkbox")
            {
                element.Remove();
                return;
            }

            // Ids of the runbook's own (heading ids, {#id}) never clash with the page's (#components-reconnect-modal, …).
            if (element.Id is { Length: > 0 } id)
            {
                element.Id = IdPrefix + id;
            }

            if (element.LocalName == "a" && element.GetAttribute("href") is ['#', _, ..] fragment)
            {
                element.SetAttribute("href", "#" + IdPrefix + fragment[1..]);
            }
        };
        return sanitizer;
    }
}
