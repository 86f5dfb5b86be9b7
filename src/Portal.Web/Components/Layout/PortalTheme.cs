using MudBlazor;

namespace Portal.Web.Components.Layout;

public static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#00695c",
            Secondary = "#ef6c00",
            AppbarBackground = "#004d40",
            Success = "#2e7d32",
            Warning = "#ed6c02",
            Error = "#c62828",
        },
    };
}
