namespace Portal.Web.Realtime;

/// <summary>
/// At most one event per model per <see cref="Interval"/>, and the last change is never lost. The first change of a
/// quiet model is emitted at once (leading edge) and opens a one-second window; changes during the window are
/// collected and emitted together when it ends (trailing edge), which opens the next window. A window that ends with
/// nothing collected closes, so the next change is again emitted at once.
/// </summary>
public sealed class ModelChangeThrottle(TimeProvider time, Action<ModelChange> emit) : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Lock gate = new();
    private readonly Dictionary<string, Window> windows = new(StringComparer.Ordinal);

    public void Publish(string model, string what)
    {
        ModelChange change;
        lock (gate)
        {
            if (windows.TryGetValue(model, out var open))
            {
                open.Pending.Add(what);
                return;
            }

            var window = new Window();
            windows[model] = window;
            window.Timer = time.CreateTimer(_ => Close(model), null, Interval, Timeout.InfiniteTimeSpan);
            change = new ModelChange(model, what, time.GetUtcNow().UtcDateTime);
        }

        emit(change);
    }

    private void Close(string model)
    {
        ModelChange change;
        lock (gate)
        {
            if (!windows.TryGetValue(model, out var window))
            {
                return;
            }

            if (window.Pending.Count == 0)
            {
                window.Timer?.Dispose();
                windows.Remove(model);
                return;
            }

            change = new ModelChange(model, window.Pending, time.GetUtcNow().UtcDateTime);
            window.Pending = new HashSet<string>(StringComparer.Ordinal);
            window.Timer?.Change(Interval, Timeout.InfiniteTimeSpan);
        }

        emit(change);
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var window in windows.Values)
            {
                window.Timer?.Dispose();
            }

            windows.Clear();
        }
    }

    private sealed class Window
    {
        public ITimer? Timer { get; set; }

        public HashSet<string> Pending { get; set; } = new(StringComparer.Ordinal);
    }
}
