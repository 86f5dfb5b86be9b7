using Portal.Web.Infrastructure;

namespace Portal.Web.Tests.Hosting;

/// <summary>The content root is the application's folder whatever the working directory, unless one is given.</summary>
public sealed class ContentRootTests
{
    [Fact]
    public void Without_a_content_root_argument_the_application_folder_is_used()
    {
        var options = PortalHostOptions.Create(["--urls", "http://127.0.0.1:5000"]);

        Assert.Equal(AppContext.BaseDirectory, options.ContentRootPath);
        Assert.Equal(["--urls", "http://127.0.0.1:5000"], options.Args!);
    }

    [Theory]
    [InlineData("--contentRoot", "/srv/portal")]
    [InlineData("--contentroot", "/srv/portal")]
    public void A_content_root_argument_is_left_to_the_host(string name, string folder)
    {
        var options = PortalHostOptions.Create([name, folder]);

        Assert.Null(options.ContentRootPath);
    }
}
