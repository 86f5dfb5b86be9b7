namespace Portal.Analysis.Tests.Advanced;

/// <summary>Deterministic random numbers for simulations (System.Random with a seed is stable across runs).</summary>
internal sealed class Seeded(int seed)
{
    private readonly Random random = new(seed);
    private double? spare;

    public double Uniform() => random.NextDouble();

    public int Next(int maxExclusive) => random.Next(maxExclusive);

    /// <summary>Standard normal by the Box–Muller transform.</summary>
    public double Normal()
    {
        if (spare is { } s)
        {
            spare = null;
            return s;
        }

        double u1;
        do
        {
            u1 = random.NextDouble();
        }
        while (u1 <= double.Epsilon);

        var u2 = random.NextDouble();
        var r = Math.Sqrt(-2 * Math.Log(u1));
        spare = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }

    public double Normal(double mean, double sd) => mean + sd * Normal();

    public double[] Normals(int n, double mean = 0, double sd = 1)
    {
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = Normal(mean, sd);
        }

        return values;
    }

    public int Bernoulli(double p) => random.NextDouble() < p ? 1 : 0;
}

internal static class Close
{
    /// <summary>|actual − expected| ≤ max(absolute, relative·|expected|).</summary>
    public static void Equal(double expected, double actual, double relative = 1e-9, double absolute = 1e-12, string what = "")
    {
        var allowed = Math.Max(absolute, relative * Math.Abs(expected));
        Assert.True(Math.Abs(actual - expected) <= allowed, $"{what} expected {expected:R}, got {actual:R} (allowed ±{allowed:R})");
    }

    public static void All(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double relative = 1e-9, double absolute = 1e-12)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Equal(expected[i], actual[i], relative, absolute, $"[{i}]");
        }
    }
}
