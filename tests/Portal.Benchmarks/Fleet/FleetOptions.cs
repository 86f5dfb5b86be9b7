using System.Globalization;

namespace Portal.Benchmarks.Fleet;

/// <summary>The <c>fleet</c> mode's options (issue #20's figures are the defaults).</summary>
internal sealed record FleetOptions(
    int Models,
    int Rate,
    int Minutes,
    int Browsers,
    int ReferenceRows,
    int BatchSeconds,
    int LabelPercent,
    int LabelDelaySeconds,
    bool Postgres,
    int Nodes,
    int BaselineMinutes,
    int SetupConcurrency,
    int HistoryDays)
{
    public const int Features = 20;

    /// <summary>Largest request the senders make; a model with more predictions per batch period sends several.</summary>
    public const int MaxRequestItems = 1_000;

    public static FleetOptions Parse(string[] args)
    {
        var postgres = args.Contains("--postgres");
        return new FleetOptions(
            Models: IngestBenchmark.Option(args, "--models", 1_000),
            Rate: IngestBenchmark.Option(args, "--rate", 20_000),
            Minutes: IngestBenchmark.Option(args, "--minutes", 10),
            Browsers: IngestBenchmark.Option(args, "--browsers", 10),
            ReferenceRows: IngestBenchmark.Option(args, "--reference-rows", 5_000),
            BatchSeconds: IngestBenchmark.Option(args, "--batch-seconds", 5),
            LabelPercent: IngestBenchmark.Option(args, "--label-percent", 30),
            LabelDelaySeconds: IngestBenchmark.Option(args, "--label-delay-seconds", 180),
            Postgres: postgres,
            Nodes: IngestBenchmark.Option(args, "--nodes", 1),
            BaselineMinutes: IngestBenchmark.Option(args, "--baseline-minutes", 3),
            SetupConcurrency: IngestBenchmark.Option(args, "--setup-concurrency", 4),
            HistoryDays: IngestBenchmark.Option(args, "--history-days", 0));
    }

    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{Models:N0} models, {Rate:N0} predictions/s offered for {Minutes} min, {LabelPercent} % labelled {LabelDelaySeconds} s later, ") +
        $"{Browsers} browsers, references of {ReferenceRows:N0} rows, {(HistoryDays > 0 ? $"{HistoryDays} days of history, " : "")}{(Postgres ? $"PostgreSQL with {Nodes} node(s)" : "SQLite")}";

    /// <summary>Binary, regression and multiclass in turn.</summary>
    public static string TaskOf(int model) => (model % 3) switch
    {
        0 => "binary",
        1 => "regression",
        _ => "multiclass",
    };

    public static string ModelName(int model) => $"fleet-{model:D4}";
}
