using System.Diagnostics;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>Runs the command-line tools some tests check against (promtool, prometheus from Debian's package).</summary>
public static class ExternalTool
{
    /// <summary>The path, or a clear failure when Debian's <paramref name="package"/> is missing (bash .ci/test.sh installs it).</summary>
    public static string Require(string path, string package = "prometheus") =>
        File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: install Debian's {package} package (apt-get install {package}), as .ci/test.sh does.");

    /// <summary>Runs the tool to its end with <paramref name="input"/> on standard input; answers its exit code and output.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(string file, string[] arguments, string input = "")
    {
        var start = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}
