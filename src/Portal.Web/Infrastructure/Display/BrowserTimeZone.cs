using Microsoft.JSInterop;

namespace Portal.Web.Infrastructure.Display;

/// <summary>
/// The time zone of the browser on the other end of this circuit, asked once (wwwroot/js/time-zone.js) and shared by
/// every <c>LocalTime</c> on its pages; null until the circuit is interactive, or when the zone is unknown here.
/// </summary>
public sealed class BrowserTimeZone(IJSRuntime js)
{
    private Task<TimeZoneInfo?>? zone;

    public Task<TimeZoneInfo?> GetAsync() => zone ??= LoadAsync();

    private async Task<TimeZoneInfo?> LoadAsync()
    {
        try
        {
            await using var module = await js.InvokeAsync<IJSObjectReference>("import", "./js/time-zone.js");
            var id = await module.InvokeAsync<string?>("timeZone");
            return id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) ? found : null;
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or InvalidOperationException or TaskCanceledException)
        {
            zone = null; // asked again on the next page
            return null;
        }
    }
}
