using System.Text.Json.Serialization;

namespace Portal.Data.Entities.Jobs;

/// <summary>A window the quality and fairness jobs compute over. Its name (1h, 1d, 7d) is what the API and the database carry.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobWindow>))]
public enum JobWindow
{
    [JsonStringEnumMemberName("1h")]
    Hour,

    [JsonStringEnumMemberName("1d")]
    Day,

    [JsonStringEnumMemberName("7d")]
    Week,
}

/// <summary>Names, lengths and parsing of <see cref="JobWindow"/>.</summary>
public static class JobWindows
{
    public static readonly IReadOnlyList<JobWindow> All = [JobWindow.Hour, JobWindow.Day, JobWindow.Week];

    public static string Name(JobWindow window) => window switch
    {
        JobWindow.Hour => "1h",
        JobWindow.Day => "1d",
        _ => "7d",
    };

    public static TimeSpan Length(JobWindow window) => window switch
    {
        JobWindow.Hour => TimeSpan.FromHours(1),
        JobWindow.Day => TimeSpan.FromDays(1),
        _ => TimeSpan.FromDays(7),
    };

    public static bool TryParse(string? name, out JobWindow window)
    {
        foreach (var candidate in All)
        {
            if (Name(candidate) == name)
            {
                window = candidate;
                return true;
            }
        }

        window = default;
        return false;
    }

    public static JobWindow Parse(string name) =>
        TryParse(name, out var window) ? window : throw new FormatException($"Unknown job window '{name}'.");

    /// <summary>The window nearest a dashboard span: the hour up to 1h, the day up to 1d, else the week.</summary>
    public static JobWindow Nearest(TimeSpan span) =>
        span <= TimeSpan.FromHours(1) ? JobWindow.Hour : span <= TimeSpan.FromDays(1) ? JobWindow.Day : JobWindow.Week;
}
