"""SciPy/NumPy baseline for the drift-report benchmark: the same tests as Evidently computes them.
Usage: drift_baseline.py FOLDER FEATURES ROWS RUNS  (reads FOLDER/reference.f64 and current.f64, column-major)
Prints JSON {"median": seconds, "results": {"f0": {"ks.statistic": ..., ...}}}."""
import json, sys, time
import numpy as np
from scipy import stats
from scipy.spatial import distance

folder, features, rows, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
reference = np.fromfile(f"{folder}/reference.f64").reshape(features, rows)
current = np.fromfile(f"{folder}/current.f64").reshape(features, rows)


def shares(ref, cur):
    edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
    r = np.histogram(ref, edges)[0] / len(ref)
    c = np.histogram(cur, edges)[0] / len(cur)
    return r, c


def fill(p):
    nonzero = p[p > 0]
    value = nonzero.min() / 1e6 if nonzero.size and nonzero.min() <= 0.0001 else 0.0001
    return np.where(p == 0, value, p)


def report():
    results = {}
    for f in range(features):
        ref, cur = reference[f], current[f]
        ks = stats.ks_2samp(ref, cur, method="asymp")
        r, c = shares(ref, cur)
        rf, cf = fill(r), fill(c)
        results[f"f{f}"] = {
            "ks.statistic": ks.statistic, "ks.pValueAsymptotic": ks.pvalue,
            "psi.value": float(np.sum((rf - cf) * np.log(rf / cf))),
            "wasserstein.normed": stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001),
            "jensenshannon.value": float(distance.jensenshannon(r, c)),
        }
    return results


report()
times = []
for _ in range(runs):
    start = time.perf_counter()
    results = report()
    times.append(time.perf_counter() - start)
print(json.dumps({"median": float(np.median(times)), "results": results}))
