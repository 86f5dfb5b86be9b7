using Microsoft.Playwright;

namespace Portal.E2E.Tests.Infrastructure;

/// <summary>Positive signals to wait for before asserting that something did not happen on a page.</summary>
public static class PageSignals
{
    /// <summary>
    /// Adds an image of <paramref name="src"/> to the page and waits until it has failed (or loaded), then removes it:
    /// an image of the same source that the page's content added earlier has had its load or error event by then, so
    /// a handler injected on it would have run.
    /// </summary>
    public static Task ControlImageSettledAsync(IPage page, string src = "x") => page.EvaluateAsync("""
        src => new Promise(resolve => {
            const img = document.createElement('img');
            img.onerror = img.onload = () => { img.remove(); resolve(); };
            img.src = src;
            document.body.appendChild(img);
        })
        """, src);
}
