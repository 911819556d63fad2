#!/usr/bin/env python3
"""Development aid: DeLong's paired test the slow, textbook way (DeLong, DeLong and
Clarke-Pearson 1988, O(m n) pairwise kernel), written without reading src/ml/delong.ts, to
cross-check it. Reads JSON {"labels": [...], "candidate": [...], "baseline": [...]} on stdin and
prints the AUCs, difference, standard error, 95% interval and one-sided p (candidate better)."""
import json
import math
import sys


def psi(x, y):
    return 1.0 if x > y else 0.5 if x == y else 0.0


def structural(scores, labels):
    pos = [s for s, l in zip(scores, labels) if l == 1]
    neg = [s for s, l in zip(scores, labels) if l == 0]
    v10 = [sum(psi(x, y) for y in neg) / len(neg) for x in pos]
    v01 = [sum(psi(x, y) for x in pos) / len(pos) for y in neg]
    return sum(v10) / len(v10), v10, v01


def cov(a, b):
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    return sum((x - ma) * (y - mb) for x, y in zip(a, b)) / (len(a) - 1)


def main():
    data = json.load(sys.stdin)
    labels = data["labels"]
    a1, v10c, v01c = structural(data["candidate"], labels)
    a2, v10b, v01b = structural(data["baseline"], labels)
    m, n = len(v10c), len(v01c)
    var = (cov(v10c, v10c) + cov(v10b, v10b) - 2 * cov(v10c, v10b)) / m + (cov(v01c, v01c) + cov(v01b, v01b) - 2 * cov(v01c, v01b)) / n
    se = math.sqrt(var)
    diff = a1 - a2
    z = diff / se
    p = 0.5 * math.erfc(z / math.sqrt(2))
    q = 1.959963984540054
    print(json.dumps({"auc_candidate": a1, "auc_baseline": a2, "auc_difference": diff, "standard_error": se, "ci95": [diff - q * se, diff + q * se], "z": z, "p_value": p}, indent=2))


if __name__ == "__main__":
    main()
