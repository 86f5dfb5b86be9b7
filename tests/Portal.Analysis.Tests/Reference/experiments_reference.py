#!/usr/bin/python3
"""Reference cases of the experiment engine's formulas (docs/experiments.md), computed with NumPy, SciPy and
statsmodels, written to experiments_reference.json next to this script. Run: /usr/bin/python3 experiments_reference.py

- proportions: unpooled two-proportion z (statsmodels test_proportions_2indep, method "wald", compare "diff"),
  its Wald CI (confint_proportions_2indep, method "wald") — p and CI from the same standard error.
- welch: SciPy ttest_ind(equal_var=False) with its CI, and Welch df.
- relativeLift: delta-method variance of (t − c)/|c| (GrowthBook's frequentist_variance, relative=True): the
  gradient of (t − c)/|c| applied to the arms' variances.
- ratio: per-unit ratio metric Σm/Σd with the delta-method variance (numpy covariance with ddof=1).
- confidenceSequence: GrowthBook gbstats' sequential_rho / sequential_interval_halfwidth / the e-value p-value, and
  the one-sided half-width, re-written from their equations (Waudby-Smith et al. 2023, eq. 9, 134, 155, 161).
- correction: statsmodels multipletests holm and fdr_bh.
"""
import json
import math
import os

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

rng = np.random.default_rng(20261204)
cases = []

for i, (x1, n1, x2, n2, alpha) in enumerate([(30, 80, 41, 70, 0.05), (120, 1000, 150, 1000, 0.05), (5, 400, 17, 390, 0.01), (480, 500, 470, 500, 0.1)]):
    # control = 1, treatment = 2; statsmodels compares the first minus the second, so pass treatment first.
    res = test_proportions_2indep(x2, n2, x1, n1, method="wald", compare="diff", correction=False)
    low, high = confint_proportions_2indep(x2, n2, x1, n1, method="wald", compare="diff", alpha=alpha)
    cases.append({"kind": "proportions", "id": f"proportions-{i}", "control": [x1, n1], "treatment": [x2, n2], "alpha": alpha,
                  "difference": x2 / n2 - x1 / n1, "z": float(res.statistic), "pValue": float(res.pvalue), "ciLow": float(low), "ciHigh": float(high)})

for i, (nc, nt, shift, alpha) in enumerate([(40, 55, 0.3, 0.05), (200, 180, -0.1, 0.05), (12, 9, 1.0, 0.1)]):
    c = np.round(rng.normal(10, 2, nc), 4)
    t = np.round(rng.normal(10 + shift, 3, nt), 4)
    r = stats.ttest_ind(t, c, equal_var=False)
    vc, vt = c.var(ddof=1) / nc, t.var(ddof=1) / nt
    df = (vc + vt) ** 2 / (vc ** 2 / (nc - 1) + vt ** 2 / (nt - 1))
    margin = stats.t.ppf(1 - alpha / 2, df) * math.sqrt(vc + vt)
    diff = float(t.mean() - c.mean())
    cases.append({"kind": "welch", "id": f"welch-{i}", "control": c.tolist(), "treatment": t.tolist(), "alpha": alpha,
                  "difference": diff, "df": float(df), "pValue": float(r.pvalue), "ciLow": diff - margin, "ciHigh": diff + margin})


def relative_variance(mc, vc, mt, vt):
    # Var((t - c)/|c|) by the delta method: gradient of f(t, c) = (t - c)/|c| at the means, arms independent.
    dt = 1 / abs(mc)
    dc = -mt / (mc * abs(mc))
    return dt * dt * vt + dc * dc * vc


for i, (mc, vc, nc, mt, vt, nt, alpha) in enumerate([(0.375, 0.234375, 80, 41 / 70, (41 / 70) * (29 / 70), 70, 0.05),
                                                     (20.0, 16.0, 500, 21.0, 25.0, 480, 0.05), (-4.0, 9.0, 100, -3.0, 9.0, 100, 0.1)]):
    v_mc, v_mt = vc / nc, vt / nt
    estimate = (mt - mc) / abs(mc)
    var = relative_variance(mc, v_mc, mt, v_mt)
    z = stats.norm.ppf(1 - alpha / 2)
    cases.append({"kind": "relativeLift", "id": f"relative-{i}", "controlMean": mc, "controlMeanVariance": v_mc, "controlUnits": nc,
                  "treatmentMean": mt, "treatmentMeanVariance": v_mt, "treatmentUnits": nt, "alpha": alpha,
                  "estimate": estimate, "variance": var, "ciLow": estimate - z * math.sqrt(var), "ciHigh": estimate + z * math.sqrt(var)})

for i, units in enumerate([60, 300]):
    d = rng.integers(1, 51, units).astype(float)
    p = rng.beta(2, 30, units)
    m = rng.binomial(d.astype(int), p).astype(float)
    cov = np.cov(np.vstack([m, d]), ddof=1)
    mm, md = m.mean(), d.mean()
    # Delta method by numerical gradient of R = mean(m) / mean(d).
    g = np.array([1 / md, -mm / md ** 2])
    var = float(g @ cov @ g) / units
    cases.append({"kind": "ratio", "id": f"ratio-{i}", "numerators": m.tolist(), "denominators": d.tolist(),
                  "mean": float(m.sum() / d.sum()), "meanVariance": var})

for i, (estimate, variance, n, alpha, tuning) in enumerate([(0.02, 1e-4, 2000, 0.05, 5000), (0.5, 0.04, 100, 0.05, 5000), (-0.01, 4e-6, 100000, 0.01, 1000),
                                                             (0.001, 1e-6, 50, 0.1, 20000)]):
    rho = math.sqrt((-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / tuning)
    s2 = variance * n
    half = math.sqrt(s2) * math.sqrt(2 * (n * rho ** 2 + 1) * math.log(math.sqrt(n * rho ** 2 + 1) / alpha) / (n * rho) ** 2)
    st2 = estimate ** 2 * n / variance
    tr2p1 = n * rho ** 2 + 1
    e = math.exp(rho ** 2 * st2 / (2 * tr2p1)) / math.sqrt(tr2p1)
    rho1 = math.sqrt((-2 * math.log(2 * alpha) + math.log(-2 * math.log(2 * alpha) + 1)) / tuning)
    one = math.sqrt(s2 * 2 * (n * rho1 ** 2 + 1) / (n * rho1) ** 2 * math.log(1 + math.sqrt(n * rho1 ** 2 + 1) / (2 * alpha)))
    cases.append({"kind": "confidenceSequence", "id": f"cs-{i}", "estimate": estimate, "variance": variance, "n": n, "alpha": alpha, "tuning": tuning,
                  "rho": rho, "halfWidth": half, "pValue": min(1.0, 1 / e), "oneSidedHalfWidth": one})

for i, p in enumerate([[0.01, 0.04, 0.03, 0.2, 0.5, 0.012], [0.001, 0.9, 0.049, 0.051]]):
    cases.append({"kind": "correction", "id": f"correction-{i}", "pValues": p,
                  "holm": multipletests(p, method="holm")[1].tolist(), "benjaminiHochberg": multipletests(p, method="fdr_bh")[1].tolist()})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "experiments_reference.json")
with open(out, "w") as f:
    json.dump({"generatedBy": "experiments_reference.py (NumPy %s, SciPy %s)" % (np.__version__, __import__("scipy").__version__),
               "tolerance": {"relative": 1e-9, "absolute": 1e-12}, "cases": cases}, f, indent=1)
print(out, len(cases))
