namespace Portal.Analysis.Drift;

/// <summary>
/// Survival function of the one-sample two-sided Kolmogorov–Smirnov statistic D_n, as SciPy's
/// <c>kstwo.sf(d, n)</c> (scipy/stats/_ksstats.py, Simard &amp; L'Ecuyer 2011). ks_2samp uses it for its
/// asymptotic p-value with n = round(n1·n2 / (n1 + n2)). The branches and cut-offs follow SciPy so that the
/// same method is used for the same (n, d); the arithmetic is plain double precision.
/// </summary>
internal static class KolmogorovDistribution
{
    private const int ScaleExponent = 128;
    private static readonly double ScaleUp = Math.ScaleB(1.0, ScaleExponent);
    private static readonly double ScaleDown = Math.ScaleB(1.0, -ScaleExponent);
    private static readonly double Sqrt2Pi = Math.Sqrt(2 * Math.PI);
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);
    private const double MinLog = -708;
    private static readonly double Sqrt3 = Math.Sqrt(3);
    private const double PiSquared = Math.PI * Math.PI;
    private const double PiFour = PiSquared * PiSquared;
    private const double PiSix = PiFour * PiSquared;

    // B_{2j} / (2j) / (2j - 1) for j = 8 … 1: the Stirling series of log(n!).
    private static readonly double[] StirlingCoefficients =
    [
        -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ];

    /// <summary>Pr(D_n ≥ d) for a sample of size n ≥ 1.</summary>
    public static double Sf(int n, double d)
    {
        if (d >= 1.0)
        {
            return 0.0;
        }

        var t = n * d;
        if (d <= 0.0 || t <= 0.5)
        {
            return 1.0;
        }

        if (t <= 1.0)
        {
            // Ruben–Gambino: Pr(D_n ≤ d) = n!/n^n · (2t − 1)^n for 1/2n ≤ d ≤ 1/n.
            var cdf = n <= 140 ? SmallRubenGambino(n, t) : Math.Exp(LogFactorialOverPower(n) + n * Math.Log(2 * t - 1));
            return Clip(1.0 - cdf);
        }

        if (t >= n - 1)
        {
            return Clip(2 * Math.Pow(1.0 - d, n));
        }

        if (d >= 0.5)
        {
            return Clip(2 * Smirnov.Sf(n, d));
        }

        var nxSquared = t * d;
        if (n <= 140)
        {
            if (nxSquared <= 0.754693)
            {
                return Clip(1.0 - DurbinMatrix(n, d));
            }

            if (nxSquared <= 4)
            {
                return Clip(1.0 - Pomeranz(n, d));
            }

            return Clip(2 * Smirnov.Sf(n, d));
        }

        if (nxSquared >= 370.0)
        {
            return 0.0;
        }

        if (nxSquared >= 2.2)
        {
            return Clip(2 * Smirnov.Sf(n, d));
        }

        var cdfLarge = n <= 100000 && n * Math.Pow(d, 1.5) <= 1.4 ? DurbinMatrix(n, d) : PelzGood(n, d);
        return Clip(1.0 - cdfLarge);
    }

    private static double SmallRubenGambino(int n, double t)
    {
        var product = 1.0;
        for (var i = 1; i <= n; i++)
        {
            product *= i * (1.0 / n) * (2 * t - 1);
        }

        return product;
    }

    /// <summary>log(n! / n^n) by Stirling's series with n·log(n) removed up front.</summary>
    private static double LogFactorialOverPower(int n)
    {
        var rn = 1.0 / n;
        var x = rn / n;
        var series = 0.0;
        foreach (var c in StirlingCoefficients)
        {
            series = series * x + c;
        }

        return Math.Log(n) / 2 - n + Log2Pi / 2 + rn * series;
    }

    /// <summary>Pr(D_n ≤ d) by Durbin's matrix algorithm as arranged by Marsaglia, Tsang and Wang (2003).</summary>
    private static double DurbinMatrix(int n, double d)
    {
        if (d >= 1.0)
        {
            return 1.0;
        }

        var nd = n * d;
        if (nd <= 0.5)
        {
            return 0.0;
        }

        var k = (int)Math.Ceiling(nd);
        var h = k - nd;
        var m = 2 * k - 1;

        var v = new double[m];
        var w = new double[m];
        var factorial = 1.0;
        for (var j = 1; j <= m; j++)
        {
            v[j - 1] = 1.0 - Math.Pow(h, j);
            w[j - 1] = factorial;
            factorial /= j;
            v[j - 1] *= factorial;
        }

        var tt = Math.Pow(Math.Max(2 * h - 1.0, 0), m) - 2 * Math.Pow(h, m);
        v[m - 1] = (1.0 + tt) * factorial;

        var matrix = new double[m, m];
        for (var i = 1; i < m; i++)
        {
            for (var row = i - 1; row < m; row++)
            {
                matrix[row, i] = w[row - (i - 1)];
            }
        }

        for (var row = 0; row < m; row++)
        {
            matrix[row, 0] = v[row];
        }

        for (var col = 0; col < m; col++)
        {
            matrix[m - 1, col] = v[m - 1 - col];
        }

        var power = Identity(m);
        var remaining = n;
        var exponent = 0;
        var matrixExponent = 0;
        while (remaining > 0)
        {
            if (remaining % 2 == 1)
            {
                power = Multiply(power, matrix);
                exponent += matrixExponent;
            }

            matrix = Multiply(matrix, matrix);
            matrixExponent *= 2;
            if (Math.Abs(matrix[k - 1, k - 1]) > ScaleUp)
            {
                Scale(matrix, ScaleDown);
                matrixExponent += ScaleExponent;
            }

            remaining /= 2;
        }

        var p = power[k - 1, k - 1];
        for (var i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < ScaleDown)
            {
                p *= ScaleUp;
                exponent -= ScaleExponent;
            }
        }

        if (exponent != 0)
        {
            p = Math.ScaleB(p, exponent);
        }

        return Clip(p);
    }

    private static double[,] Identity(int m)
    {
        var result = new double[m, m];
        for (var i = 0; i < m; i++)
        {
            result[i, i] = 1.0;
        }

        return result;
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var m = a.GetLength(0);
        var result = new double[m, m];
        for (var i = 0; i < m; i++)
        {
            for (var k = 0; k < m; k++)
            {
                var aik = a[i, k];
                if (aik == 0.0)
                {
                    continue;
                }

                for (var j = 0; j < m; j++)
                {
                    result[i, j] += aik * b[k, j];
                }
            }
        }

        return result;
    }

    private static void Scale(double[,] matrix, double factor)
    {
        var m = matrix.GetLength(0);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < m; j++)
            {
                matrix[i, j] *= factor;
            }
        }
    }

    /// <summary>Pr(D_n ≤ d) by the Pomeranz (1974) recursion.</summary>
    private static double Pomeranz(int n, double d)
    {
        var t = n * d;
        var ll = (int)Math.Floor(t);
        var f = t - ll;
        var g = Math.Min(f, 1.0 - f);
        var ceilF = f > 0 ? 1 : 0;
        var roundF = f > 0.5 ? 1 : 0;
        var powerCount = 2 * (ll + 1);

        // (g/n)^m/m!, (2g/n)^m/m! and ((1−2g)/n)^m/m!: Poisson probabilities without their normalising factor.
        var gPower = new double[powerCount];
        var twoGPower = new double[powerCount];
        var oneMinusTwoGPower = new double[powerCount];
        gPower[0] = twoGPower[0] = oneMinusTwoGPower[0] = 1.0;
        double gOverN = g / n, twoGOverN = 2 * g / n, oneMinusTwoGOverN = (1 - 2 * g) / n;
        for (var m = 1; m < powerCount; m++)
        {
            gPower[m] = gPower[m - 1] * gOverN / m;
            twoGPower[m] = twoGPower[m - 1] * twoGOverN / m;
            oneMinusTwoGPower[m] = oneMinusTwoGPower[m - 1] * oneMinusTwoGOverN / m;
        }

        var previous = new double[powerCount];
        var current = new double[powerCount];
        current[0] = 1;
        int previousStart = 0, currentStart = 0;
        var exponent = 0;
        var convolution = new double[2 * powerCount];

        var (j1, j2) = PomeranzInterval(0, n, ll, ceilF, roundF);
        for (var i = 1; i < 2 * n + 2; i++)
        {
            var k1 = j1;
            (previous, current) = (current, previous);
            (previousStart, currentStart) = (currentStart, previousStart);
            Array.Clear(current);
            (j1, j2) = PomeranzInterval(i, n, ll, ceilF, roundF);
            var powers = i == 1 || i == 2 * n + 1 ? gPower : i % 2 == 1 ? twoGPower : oneMinusTwoGPower;
            var length = j2 - k1 + 1;
            if (length <= 0)
            {
                continue;
            }

            // Full convolution of previous[k1 − start …] (as a Python slice: clipped to the row) with powers[..length].
            var offset = k1 - previousStart;
            var sliceLength = Math.Min(length, powerCount - offset);
            var powersLength = Math.Min(length, powerCount);
            var convolutionLength = sliceLength + powersLength - 1;
            Array.Clear(convolution, 0, convolutionLength);
            for (var a = 0; a < sliceLength; a++)
            {
                var value = previous[offset + a];
                for (var b = 0; b < powersLength; b++)
                {
                    convolution[a + b] += value * powers[b];
                }
            }

            var useStart = j1 - k1;
            var useLength = j2 - j1 + 1;
            var largest = 0.0;
            for (var c = 0; c < useLength; c++)
            {
                current[c] = convolution[useStart + c];
                largest = Math.Max(largest, current[c]);
            }

            if (largest > 0 && largest < ScaleDown)
            {
                for (var c = 0; c < powerCount; c++)
                {
                    current[c] *= ScaleUp;
                }

                exponent -= ScaleExponent;
            }

            currentStart = previousStart + j1 - k1;
        }

        // Multiply by n!
        var answer = current[n - currentStart];
        for (var m = 1; m <= n; m++)
        {
            if (Math.Abs(answer) > ScaleUp)
            {
                answer *= ScaleDown;
                exponent += ScaleExponent;
            }

            answer *= m;
        }

        if (exponent != 0)
        {
            answer = Math.ScaleB(answer, exponent);
        }

        return Clip(answer);
    }

    private static (int J1, int J2) PomeranzInterval(int i, int n, int ll, int ceilF, int roundF)
    {
        int j1, j2;
        if (i == 0)
        {
            j1 = -ll - ceilF - 1;
            j2 = ll + ceilF - 1;
        }
        else
        {
            var half = (i + 1) / 2;
            if ((i + 1) % 2 == 0)
            {
                if (half == n + 1)
                {
                    j1 = n - ll - ceilF - 1;
                    j2 = n + ll + ceilF - 1;
                }
                else
                {
                    j1 = half - 1 - ll - roundF - 1;
                    j2 = half + ll - 1 + ceilF - 1;
                }
            }
            else
            {
                j1 = half - 1 - ll - 1;
                j2 = half + ll + roundF - 1;
            }
        }

        return (Math.Max(j1 + 2, 0), Math.Min(j2, n));
    }

    /// <summary>Pelz–Good (1976) approximation of Pr(D_n ≤ d), suited to small n·d².</summary>
    private static double PelzGood(int n, double d)
    {
        if (d <= 0.0)
        {
            return 0.0;
        }

        if (d >= 1.0)
        {
            return 1.0;
        }

        var z = Math.Sqrt(n) * d;
        double z2 = z * z, z3 = z * z * z, z4 = z2 * z2, z6 = z4 * z2;

        var qLog = -PiSquared / 8 / z2;
        if (qLog < MinLog)
        {
            return 0.0;
        }

        var q = Math.Exp(qLog);

        var k1a = -z2;
        var k1b = PiSquared / 4;
        var k2a = 6 * z6 + 2 * z4;
        var k2b = (2 * z4 - 5 * z2) * PiSquared / 4;
        var k2c = PiFour * (1 - 2 * z2) / 16;
        var k3d = PiSix * (5 - 30 * z2) / 64;
        var k3c = PiFour * (-60 * z2 + 212 * z4) / 16;
        var k3b = PiSquared * (135 * z4 - 96 * z6) / 4;
        var k3a = -30 * z6 - 90 * Math.Pow(z, 8);

        // Horner scheme over the odd integers m = 2k − 1 of Σ c_m q^(m²).
        double k0 = 0, kOne = 0, kTwo = 0, kThree = 0;
        var maxK = (int)Math.Ceiling(16 * z / Math.PI);
        for (var k = maxK; k > 0; k--)
        {
            double m = 2 * k - 1;
            double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
            var qPower = Math.Pow(q, 8 * k);
            k0 = k0 * qPower + 1.0;
            kOne = kOne * qPower + (k1a + k1b * m2);
            kTwo = kTwo * qPower + (k2a + k2b * m2 + k2c * m4);
            kThree = kThree * qPower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
        }

        k0 = k0 * q * Sqrt2Pi / z;
        kOne = kOne * q * Sqrt2Pi / (6 * z4);
        kTwo = kTwo * q * Sqrt2Pi / (72 * Math.Pow(z, 7));
        kThree = kThree * q * Sqrt2Pi / (6480 * Math.Pow(z, 10));

        // The sums over all integers k of K_2 and K_3.
        var q2 = Math.Exp(-PiSquared / 2 / z2);
        var sqrt3Z = Sqrt3 * z;
        double k2Extra = 0, k3Extra = 0;
        for (var k = maxK; k > 0; k--)
        {
            double kSquared = (double)k * k;
            var qPower = Math.Pow(q2, k * k);
            var kPi = Math.PI * k;
            k2Extra += kSquared * qPower;
            k3Extra += (sqrt3Z + kPi) * (sqrt3Z - kPi) * kSquared * qPower;
        }

        kTwo += k2Extra * (PiSquared * Sqrt2Pi / (-36 * z3));
        kThree += k3Extra * (PiSquared * Sqrt2Pi / (216 * z6));

        return k0 + kOne / Math.Sqrt(n) + kTwo / n + kThree / Math.Pow(n, 1.5);
    }

    private static double Clip(double p) => Math.Clamp(p, 0.0, 1.0);
}
