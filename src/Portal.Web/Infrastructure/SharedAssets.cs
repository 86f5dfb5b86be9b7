using Microsoft.Extensions.FileProviders;

namespace Portal.Web.Infrastructure;

public static class SharedAssets
{
    /// <summary>Serves the repository's wwwroot-shared folder (theme, logo) at /shared; it is copied next to the app on build.</summary>
    public static IApplicationBuilder UseSharedAssets(this IApplicationBuilder app)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "wwwroot-shared");
        if (Directory.Exists(folder))
        {
            app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(folder), RequestPath = "/shared" });
        }

        return app;
    }
}
