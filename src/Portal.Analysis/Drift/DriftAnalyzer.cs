namespace Portal.Analysis.Drift;

/// <summary>Runs the drift tests of STATISTICS.md column by column and decides dataset drift.</summary>
public static class DriftAnalyzer
{
    public static DriftReport Analyze(IReadOnlyList<DriftColumn> columns, DriftOptions? options = null)
        => throw new NotImplementedException();
}
