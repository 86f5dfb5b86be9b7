"""Prints the expected values of the SciPy comparisons in ScipyComparisonTests.cs.

Run with Debian's /usr/bin/python3 (SciPy 1.10.1, NumPy 1.24.2). The inputs are formulas that C# and Python
evaluate to the same doubles (integer arithmetic, one correctly rounded division, one addition).
"""
import numpy as np
import scipy.stats as st
from scipy.stats import kstwo


def uniform(n, multiplier, modulus, offset=0.0):
    return np.array([(i * multiplier % modulus) / modulus + offset for i in range(n)])


def integers(n, multiplier, modulus, levels, offset=0):
    return np.array([float((i * multiplier % modulus) % levels + offset) for i in range(n)])


def show(name, r, c):
    ks = st.ks_2samp(r, c)
    out = [f"ks {ks.statistic!r} {ks.pvalue!r}"]
    if not (len(r) == 1 and len(c) == 1):
        out.append(f"ks_asymp {st.ks_2samp(r, c, method='asymp').pvalue!r}")
    if len(r) > 1 and len(c) > 1:
        cv = st.cramervonmises_2samp(r, c, method='asymptotic')
        out.append(f"cvm {cv.statistic!r} {cv.pvalue!r}")
        out.append(f"t {st.ttest_ind(r, c).pvalue!r}")
    out.append(f"mannw {st.mannwhitneyu(r, c).pvalue!r}")
    out.append(f"wasserstein {st.wasserstein_distance(r, c)!r} std {np.std(r)!r}")
    out.append(f"ed {st.energy_distance(r, c)!r}")
    print(name, "|", "; ".join(out))


cases = {
    "exact_at_10000": (uniform(10000, 7919, 10007), uniform(9000, 104729, 9011, 0.02)),
    "asymptotic_at_10001": (uniform(10001, 7919, 10007), uniform(9000, 104729, 9011, 0.02)),
    "square_exact_10000": (uniform(10000, 7919, 10007), uniform(10000, 104729, 10009, 0.01)),
    "square_asymptotic_10001": (uniform(10001, 7919, 10007), uniform(10001, 104729, 10009, 0.01)),
    "heavy_ties": (integers(500, 7919, 10007, 5), integers(700, 104729, 10009, 5, 0) + (np.arange(700) % 9 == 0)),
    "ties_small_shift": (integers(300, 31, 997, 12), integers(280, 17, 991, 12, 1)),
    "tiny_1_1": (np.array([0.5]), np.array([0.7])),
    "tiny_1_3": (np.array([0.5]), np.array([0.1, 0.7, 0.9])),
    "tiny_3_2": (np.array([0.5, 0.6, 0.61]), np.array([0.1, 0.7])),
    "strong_shift_200_300": (uniform(200, 7919, 10007), uniform(300, 104729, 9011, 0.3)),
    "unequal_40_25": (uniform(40, 7919, 10007), uniform(25, 104729, 9011, 0.1)),
}
for name, (r, c) in cases.items():
    show(name, r, c)

for n, d in [(5, 0.15), (5, 0.35), (10, 0.5), (10, 0.95), (100, 0.05), (100, 0.12), (100, 0.25), (140, 0.3),
             (141, 0.08), (218, 0.227), (1000, 0.01), (1000, 0.05), (5000, 0.0001), (5000, 0.004), (50000, 0.005),
             (50000, 0.01), (150000, 0.002), (3000, 0.4)]:
    print(f"kstwo {n} {d!r} {kstwo.sf(d, n)!r}")

print(f"kstwo 1000 0.0008 {kstwo.sf(0.0008, 1000)!r}")

# Edge cases: constant samples, equal and different.
for name, r, c in [("constant_equal", np.full(5, 3.0), np.full(4, 3.0)), ("constant_different", np.full(5, 1.0), np.full(4, 2.0))]:
    ks = st.ks_2samp(r, c)
    cv = st.cramervonmises_2samp(r, c, method='asymptotic')
    print(name, "| ks", ks.statistic, ks.pvalue, "asymp", st.ks_2samp(r, c, method='asymp').pvalue,
          "| cvm", cv.statistic, cv.pvalue, "| mannw", st.mannwhitneyu(r, c).pvalue,
          "| t", st.ttest_ind(r, c).pvalue, "| ed", st.energy_distance(r, c), "| wd", st.wasserstein_distance(r, c))

# NumPy's Sturges edges, which the binned tests use.
print("edges", np.histogram_bin_edges(np.arange(1100) * 0.37 - 5, bins="sturges").tolist())
print("edges constant", np.histogram_bin_edges(np.full(30, 2.5), bins="sturges").tolist())
