namespace Portal.Web.Tests.Infrastructure;

/// <summary>
/// Waiting for asynchronous work without fixed sleeps: poll until the condition holds or a generous deadline passes,
/// then hand back the last value so the test asserts on it (a timeout shows up as the assertion's own failure).
/// </summary>
public static class Eventually
{
    /// <summary>Long enough for a loaded 2-core machine; a passing test returns as soon as the condition holds.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static async Task<T> PollAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Deadline);
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(25);
        }
    }

    public static Task<T> PollAsync<T>(Func<T> probe, Func<T, bool> done, TimeSpan? within = null) =>
        PollAsync(() => Task.FromResult(probe()), done, within);
}
