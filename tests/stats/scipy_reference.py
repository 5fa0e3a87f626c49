#!/usr/bin/python3
"""Reference values for slokit's statistics, computed with scipy (Debian python3-scipy).

Usage: /usr/bin/python3 scipy_reference.py CASES.json  -> prints {"results": [...]} on stdout.

Each case is {"kind": ..., ...}; results come back in the same order. Non-finite floats are
written as the strings "inf", "-inf" and "nan" so the output is strict JSON. Exit code 3 means
scipy/numpy cannot be imported (install python3-scipy: scripts/deps.sh).
"""
import json
import math
import sys

try:
    import numpy as np
    import scipy
    from scipy import special, stats
    from scipy.spatial import distance
except ImportError as e:  # pragma: no cover - environment problem, reported by the C++ test
    sys.stderr.write(
        f"scipy_reference.py: cannot import numpy/scipy with {sys.executable}: {e}\n"
        "install Debian's python3-scipy (scripts/deps.sh lists it)\n")
    sys.exit(3)


def num(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def mwu_cdf(n1, n2, u):
    """P(U <= u) under the null, from scipy's exact Mann-Whitney distribution.

    Builds samples without ties whose U statistic for x is u and asks scipy for the one-sided
    p-value P(U' <= U1) (alternative='less' is the survival function of U2 = n1 n2 - U1).
    """
    if u < 0:
        return 0.0
    if u >= n1 * n2:
        return 1.0
    y = [2.0 * j for j in range(n2)]
    x = []
    left = u
    for i in range(n1):
        c = min(left, n2)  # x_i exceeds the c smallest y values
        left -= c
        x.append(2.0 * c - 1.0 + 0.001 * (i + 1))
    r = stats.mannwhitneyu(x, y, alternative='less', method='exact')
    assert r.statistic == u, (r.statistic, u)
    return float(r.pvalue)


def exact_supported(n1, n2):
    """Mirror of MannWhitneyExactDistribution::Supported (C(n1+n2, n1) < 2^126, n1 n2 <= 1e6)."""
    return n1 * n2 <= 1_000_000 and math.comb(n1 + n2, min(n1, n2)) < 2 ** 126


def hodges_lehmann(x, y, confidence):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    d = np.sort(np.subtract.outer(y, x).ravel())
    n1, n2 = len(x), len(y)
    total = n1 * n2
    half_alpha = (1.0 - confidence) / 2.0
    out = {"shift": num(np.median(d))}
    if exact_supported(n1, n2):
        k = 0
        while k < total and mwu_cdf(n1, n2, k) <= half_alpha:
            k += 1
        achieved = 1.0 - 2.0 * mwu_cdf(n1, n2, k - 1) if k >= 1 else 0.0
        exact = True
    else:
        sigma = math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12.0)
        z = stats.norm.ppf(1.0 - half_alpha)
        k = int(math.floor(total / 2.0 - z * sigma + 0.5))
        achieved = confidence
        exact = False
    out.update({"k": k, "exact": exact, "confidence": num(achieved)})
    if k >= 1:
        out["lower"] = num(d[k - 1])
        out["upper"] = num(d[total - k])
    return out


def smoothed(counts, epsilon):
    """slokit's smoothing rule: shares floored at epsilon, then renormalized."""
    p = np.asarray(counts, dtype=float)
    p = p / p.sum()
    if epsilon > 0:
        p = np.maximum(p, epsilon)
        p = p / p.sum()
    return p


def divergences(ref_counts, cur_counts, epsilon):
    r = smoothed(ref_counts, epsilon)
    c = smoothed(cur_counts, epsilon)
    return {
        "psi": num(stats.entropy(c, r) + stats.entropy(r, c)),
        "kl_cur_ref": num(stats.entropy(c, r)),
        "kl_ref_cur": num(stats.entropy(r, c)),
        "js": num(distance.jensenshannon(np.asarray(ref_counts, float),
                                         np.asarray(cur_counts, float))),
    }


def reference_quantile_bins(reference, current, num_bins):
    reference = np.asarray(reference, dtype=float)
    current = np.asarray(current, dtype=float)
    edges = np.quantile(reference, np.arange(1, num_bins) / num_bins) if num_bins > 1 else []
    edges = np.unique(edges)
    k = len(edges) + 1
    ref_counts = np.bincount(np.searchsorted(edges, reference, side='left'), minlength=k)
    cur_counts = np.bincount(np.searchsorted(edges, current, side='left'), minlength=k)
    return edges, ref_counts, cur_counts


def run(case):
    kind = case["kind"]
    if kind == "mwu":
        r = stats.mannwhitneyu(case["x"], case["y"], use_continuity=True,
                               alternative='two-sided', method=case["method"])
        return {"statistic": num(r.statistic), "pvalue": num(r.pvalue)}
    if kind == "mwu_cdf":
        return {"cdf": num(mwu_cdf(case["n1"], case["n2"], case["u"]))}
    if kind == "hl":
        return hodges_lehmann(case["x"], case["y"], case["confidence"])
    if kind == "ks":
        r = stats.ks_2samp(case["x"], case["y"], alternative='two-sided', method=case["method"])
        return {"statistic": num(r.statistic), "pvalue": num(r.pvalue),
                "location": num(r.statistic_location), "sign": int(r.statistic_sign)}
    if kind == "kstwo_sf":
        return {"sf": num(stats.kstwo.sf(case["d"], case["n"]))}
    if kind == "smirnov":
        return {"sf": num(special.smirnov(case["n"], case["d"]))}
    if kind == "chi2":
        table = np.asarray(case["table"], dtype=float)
        table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
        r = stats.chi2_contingency(table, correction=False)
        return {"statistic": num(r[0]), "pvalue": num(r[1]), "dof": int(r[2])}
    if kind == "special":
        a, x = case["a"], case["x"]
        return {"gammainc": num(special.gammainc(a, x)), "gammaincc": num(special.gammaincc(a, x)),
                "chi2_sf": num(stats.chi2.sf(x, 2 * a)), "norm_sf": num(stats.norm.sf(x)),
                "norm_ppf": num(stats.norm.ppf(case["p"]))}
    if kind == "divergence":
        return divergences(case["p"], case["q"], case["epsilon"])
    if kind == "binned":
        edges, ref_counts, cur_counts = reference_quantile_bins(
            case["reference"], case["current"], case["num_bins"])
        out = divergences(ref_counts, cur_counts, case["epsilon"])
        out["edges"] = [num(e) for e in edges]
        out["reference_counts"] = [int(c) for c in ref_counts]
        out["current_counts"] = [int(c) for c in cur_counts]
        return out
    if kind == "wasserstein":
        return {"distance": num(stats.wasserstein_distance(case["u"], case["v"]))}
    raise ValueError(f"unknown case kind {kind!r}")


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: scipy_reference.py CASES.json\n")
        return 2
    with open(sys.argv[1]) as f:
        cases = json.load(f)["cases"]
    results = [run(c) for c in cases]
    json.dump({"scipy": scipy.__version__, "results": results}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
