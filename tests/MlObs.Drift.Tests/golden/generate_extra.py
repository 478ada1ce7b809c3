#!/usr/bin/python3
"""Regenerates scipy-1.10.1-extra.json: more golden values beyond the spec's §6.7, from the same scipy as the spec.

Run with Debian bookworm's python3-scipy 1.10.1 / numpy 1.24.2 (`apt-get install python3-scipy`, then
`/usr/bin/python3 generate_extra.py > scipy-1.10.1-extra.json`). Samples are not stored: each is described by an LCG
(state = 1664525*state + 1013904223 mod 2^32, value = ((state >> 8) % modulus) / 100 + shift) that the C# tests replay
bit for bit (integer arithmetic and one correctly rounded division and addition)."""
import json
import warnings

import numpy as np
import scipy
from scipy import special, stats

assert scipy.__version__ == "1.10.1", scipy.__version__


def lcg(seed, n, shift=0.0, modulus=1000):
    state, out = seed, []
    for _ in range(n):
        state = (1664525 * state + 1013904223) % 2**32
        out.append(((state >> 8) % modulus) / 100.0 + shift)
    return np.array(out)


def sample(seed, n, shift=0.0, modulus=1000):
    return dict(seed=seed, n=n, shift=shift, modulus=modulus), lcg(seed, n, shift, modulus)


cases = []


def add(kind, value, **args):
    cases.append(dict(kind=kind, value=float(value), **args))


# kstwo.sf over every branch of Simard & L'Ecuyer's selection (Ruben-Gambino, Durbin/MTW, Pomeranz, Pelz-Good, 2*smirnov).
for n in [1, 2, 3, 5, 10, 12, 30, 100, 140, 141, 200, 500, 1000, 5000, 20000, 100000, 200000]:
    for x in [0.001, 0.01, 0.02, 0.05, 0.08, 0.1, 0.2, 0.3, 0.45, 0.5, 0.6, 0.9, 0.99]:
        add("kstwo.sf", stats.kstwo.sf(x, n), n=n, x=x)
for n in [7, 141, 1000, 100000, 150000]:
    for x in [0.004, 0.01, 0.047, 0.125, 0.3]:
        add("kstwo.cdf", stats.kstwo.cdf(x, n), n=n, x=x)
for n in [1, 5, 50, 500, 2000, 100000]:
    for x in [0.001, 0.01, 0.1, 0.3, 0.7]:
        add("smirnov", special.smirnov(n, x), n=n, x=x)
for y in [0.1, 0.5, 0.9, 1.0, 1.36, 2.0, 3.0]:
    add("kstwobign.sf", stats.kstwobign.sf(y), x=y)

# ks_2samp: sizes around every switch (n1 == n2, n1 != n2, one-sided path-count overflow, auto at 10,000).
seed = 1
for n1, n2, shift, modulus in [(30, 25, 0.5, 1000), (20, 20, 0.3, 1000), (7, 13, 0.0, 1000), (100, 80, 0.2, 300),
                               (500, 700, 0.1, 1000), (1000, 1000, 0.05, 1000), (300, 1200, 0.15, 1000),
                               (600, 601, 0.1, 1000), (4, 3, 1.0, 1000), (9000, 9500, 0.03, 100000),
                               (12000, 11000, 0.02, 100000)]:
    da, a = sample(seed, n1, 0.0, modulus)
    db, b = sample(seed + 1, n2, shift, modulus)
    seed += 2
    for alt in ["two-sided", "less", "greater"]:
        for mode in ["auto", "exact", "asymp"]:
            if max(n1, n2) > 5000 and (alt != "two-sided" or mode == "asymp"):
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = stats.ks_2samp(a, b, alternative=alt, method=mode)
            cases.append(dict(kind="ks_2samp", a=da, b=db, alternative=alt, method=mode, statistic=float(r.statistic),
                              value=float(r.pvalue), location=float(r.statistic_location), sign=int(r.statistic_sign)))

# Mann-Whitney U: exact (small, no ties), asymptotic with ties, each alternative.
for n1, n2, shift, modulus in [(6, 8, 0.7, 100000), (5, 30, 0.2, 100000), (40, 35, 0.3, 50), (12, 15, 0.0, 20)]:
    da, a = sample(seed, n1, 0.0, modulus)
    db, b = sample(seed + 1, n2, shift, modulus)
    seed += 2
    for alt in ["two-sided", "less", "greater"]:
        r = stats.mannwhitneyu(a, b, alternative=alt)
        cases.append(dict(kind="mannwhitneyu", a=da, b=db, alternative=alt, statistic=float(r.statistic), value=float(r.pvalue)))

# Cramer-von Mises (exact with ties, exact, asymptotic), Anderson-Darling k-sample, distances, t-test.
for n1, n2, shift, modulus in [(9, 7, 0.4, 30), (15, 20, 0.1, 100000), (60, 45, 0.25, 1000), (200, 150, 0.02, 1000)]:
    da, a = sample(seed, n1, 0.0, modulus)
    db, b = sample(seed + 1, n2, shift, modulus)
    seed += 2
    r = stats.cramervonmises_2samp(a, b)
    cases.append(dict(kind="cvm", a=da, b=db, statistic=float(r.statistic), value=float(r.pvalue)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = stats.anderson_ksamp([a, b])
    cases.append(dict(kind="anderson_ksamp", a=da, b=db, statistic=float(r.statistic), value=float(r.pvalue)))
    cases.append(dict(kind="wasserstein", a=da, b=db, value=float(stats.wasserstein_distance(a, b))))
    cases.append(dict(kind="energy", a=da, b=db, value=float(stats.energy_distance(a, b))))
    cases.append(dict(kind="ttest_ind", a=da, b=db, value=float(stats.ttest_ind(a, b).pvalue)))

# Contingency tables: 3x3, a 2x2 where Yates' half-step is capped (|E - O| < 0.5), and goodness of fit.
for table in [[[10, 20, 30], [15, 25, 5], [7, 7, 30]], [[5, 5], [5, 6]], [[1000, 10], [990, 30]]]:
    for correction in [True, False]:
        r = stats.chi2_contingency(table, correction=correction)
        cases.append(dict(kind="chi2_contingency", table=table, correction=correction, statistic=float(r[0]), value=float(r[1])))
for obs, exp in [([10, 20, 30, 40], [25, 25, 25, 25]), ([3, 0, 7], [4, 2, 4])]:
    r = stats.chisquare(obs, f_exp=exp)
    cases.append(dict(kind="chisquare", observed=obs, expected=exp, statistic=float(r.statistic), value=float(r.pvalue)))

print(json.dumps(dict(
    comment="Generated by generate_extra.py with Debian bookworm python3-scipy 1.10.1 / numpy 1.24.2, the scipy of spec "
            "§6.7; samples are LCG descriptions replayed by the tests. Relative tolerance 1e-9 unless rtol is given.",
    cases=cases), indent=1))
