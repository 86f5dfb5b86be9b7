namespace Portal.Analysis.Performance;

public sealed record RegressionResult(double Mae, double Rmse, double R2, double Mape, double MeanResidual, double StdResidual);

public static class RegressionMetrics
{
    public static RegressionResult Compute(IReadOnlyList<double> yTrue, IReadOnlyList<double> yPred)
        => throw new NotImplementedException();
}
