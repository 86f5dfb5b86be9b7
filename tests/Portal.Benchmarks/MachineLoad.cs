namespace Portal.Benchmarks;

internal static class MachineLoad
{
    /// <summary>The 1, 5 and 15-minute load averages, for the figures' context.</summary>
    public static string Average() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "n/a";
}
