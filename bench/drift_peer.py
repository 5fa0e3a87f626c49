#!/usr/bin/python3
"""The peer of bench/drift_bench.sh: the computation of `slokit drift` in Python (json + numpy +
scipy) on the same two files and columns - per numeric field PSI over reference deciles, KS and
Wasserstein; per categorical field chi-square and Jensen-Shannon; overall and per language
cohort - with the thresholds of docs/canary.md. Python keeps every value (slokit keeps a 50,000
sample per field, cohort and side). Prints the (field, cohort) pairs flagged as drift.

Usage: drift_peer.py REFERENCE.jsonl CURRENT.jsonl
"""
import json
import sys
from collections import defaultdict

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon

NUMERIC = ["ttft_ms", "itl_ms", "e2e_ms", "prompt_tokens", "completion_tokens", "quality_score"]
CATEGORICAL = ["model", "region", "language", "tier", "endpoint", "status"]
BY = "language"


def load(path):
    """{cohort: ({field: [values]}, {field: {category: n}})}, cohort "" being overall."""
    num = defaultdict(lambda: defaultdict(list))
    cat = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    with open(path, "rb") as f:
        for line in f:
            e = json.loads(line)
            for cohort in ("", str(e.get(BY, "(none)"))):
                for k in NUMERIC:
                    v = e.get(k)
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        num[cohort][k].append(v)
                for k in CATEGORICAL:
                    v = e.get(k)
                    cat[cohort][k]["(none)" if v is None else str(v)] += 1
    return num, cat


def psi(x, y, eps=1e-4):
    edges = np.unique(np.quantile(x, np.arange(1, 10) / 10))
    r = np.bincount(np.searchsorted(edges, x, side="left"), minlength=len(edges) + 1) / len(x)
    c = np.bincount(np.searchsorted(edges, y, side="left"), minlength=len(edges) + 1) / len(y)
    r = np.maximum(r, eps); r /= r.sum()
    c = np.maximum(c, eps); c /= c.sum()
    return float(np.sum((c - r) * np.log(c / r)))


def main():
    (rn, rc), (cn, cc) = load(sys.argv[1]), load(sys.argv[2])
    flagged = []
    for cohort in sorted(set(rn) | set(cn)):
        for k in NUMERIC:
            x, y = np.asarray(rn[cohort][k], float), np.asarray(cn[cohort][k], float)
            if len(x) < 100 or len(y) < 100:
                continue
            p = psi(x, y)
            ks = stats.ks_2samp(x, y)
            stats.wasserstein_distance(x, y)
            if p >= 0.25 or (ks.pvalue < 0.01 and ks.statistic >= 0.1):
                flagged.append((k, cohort or "(all)"))
        for k in CATEGORICAL:
            keys = sorted(set(rc[cohort][k]) | set(cc[cohort][k]))
            a = np.array([rc[cohort][k].get(c, 0) for c in keys], float)
            b = np.array([cc[cohort][k].get(c, 0) for c in keys], float)
            if a.sum() < 100 or b.sum() < 100 or len(keys) < 2:
                continue
            table = np.array([a, b])
            table = table[:, table.sum(axis=0) > 0]
            chi = stats.chi2_contingency(table, correction=False)
            if chi.pvalue < 0.01 and jensenshannon(a, b) >= 0.1:
                flagged.append((k, cohort or "(all)"))
    print("drift:", ", ".join(f"{k}/{c}" for k, c in flagged) or "none")


if __name__ == "__main__":
    main()
