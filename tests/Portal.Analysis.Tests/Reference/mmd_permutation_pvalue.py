"""Permutation p-value of the MMD case in MultivariateTests.Mmd_statistic_and_median_bandwidth_equal_the_numpy_formula.

Standard library only (independent of the C# code): reference rows 0-19 and current rows 0-14 of the test's formulas,
standardised with the reference mean and std (ddof 0), RBF kernel with the median pairwise distance as sigma, unbiased
MMD^2. Prints sigma, the statistic and the share of 200,000 random permutations with MMD^2 >= observed, with its
standard error. Run: python3 mmd_permutation_pvalue.py (about 2 minutes). Last run: sigma 2.361673198604025,
stat 0.1263677609156637, p 0.00358, se 0.000134.
"""
import math
import random
import statistics

ref = [[math.sin(0.37 * i) + 0.5 * math.cos(1.3 * i), 0.8 * math.sin(0.37 * i) + 0.3 * math.sin(2.1 * i),
        math.cos(0.11 * i) + 0.2 * math.sin(5.0 * i)] for i in range(20)]
cur = [[math.sin(0.37 * j + 1) + 0.5 * math.cos(1.3 * j), -0.8 * math.sin(0.37 * j + 1) + 0.3 * math.sin(2.1 * j),
        math.cos(0.11 * j) + 0.2 * math.sin(5.0 * j) + 0.3] for j in range(15)]
d, n, m = 3, len(ref), len(cur)
means = [sum(r[c] for r in ref) / n for c in range(d)]
sds = [math.sqrt(sum((r[c] - means[c]) ** 2 for r in ref) / n) for c in range(d)]
pooled = [[(r[c] - means[c]) / sds[c] for c in range(d)] for r in ref + cur]
total = n + m
dist = [[math.dist(pooled[i], pooled[j]) for j in range(total)] for i in range(total)]
sigma = statistics.median([dist[i][j] for i in range(total) for j in range(i + 1, total)])
kernel = [[math.exp(-dist[i][j] ** 2 / (2 * sigma ** 2)) for j in range(total)] for i in range(total)]


def mmd(order):
    x, y = order[:n], order[n:]
    xx = sum(kernel[a][b] for a in x for b in x if a != b) / (n * (n - 1))
    yy = sum(kernel[a][b] for a in y for b in y if a != b) / (m * (m - 1))
    xy = sum(kernel[a][b] for a in x for b in y) / (n * m)
    return xx + yy - 2 * xy


observed = mmd(list(range(total)))
rng = random.Random(12345)
permutations, at_least = 200_000, 0
order = list(range(total))
for _ in range(permutations):
    rng.shuffle(order)
    if mmd(order) >= observed - 1e-12:
        at_least += 1
p = at_least / permutations
print("sigma", sigma, "stat", observed)
print("p", p, "se", math.sqrt(p * (1 - p) / permutations))
