#!/usr/bin/env python3
"""Random agreement cases with the values of the Python reference implementations.

Writes tests/fixtures/agreement_crosscheck.json, which tests/crosscheck.rs checks Spanwise's
`analysis` module against (so CI needs no Python). Rerun after changing a formula:

    pip install krippendorff==0.9.0 nltk scikit-learn statsmodels
    python3 tests/crosscheck/make_agreement_cases.py

Reference implementations:
- Krippendorff's alpha: the `krippendorff` package (nominal also checked against NLTK);
- Cohen's kappa: scikit-learn `cohen_kappa_score`; its standard error: statsmodels `cohens_kappa`;
- Fleiss' kappa: statsmodels `fleiss_kappa`;
- unitizing alpha: there is no common package, so `alpha_u` below implements Krippendorff (1995,
  2004) as DKPro does, independently of the Rust code: it enumerates every pair of sections of
  two coders and sums the expected disagreement over every pair of unit and gap, without the
  Rust code's sweep and prefix sums. It reproduces DKPro's published vectors (checked below).
"""

import json
import random
import sys
from pathlib import Path

import krippendorff
import numpy as np
from nltk.metrics.agreement import AnnotationTask
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import cohens_kappa, fleiss_kappa


def sections(units, begin, length):
    """A coder's units of one category as (start, length, is_unit) sections covering the continuum."""
    out, pos = [], begin
    for start, ln in sorted(units):
        if start > pos:
            out.append((pos, start - pos, False))
        out.append((start, ln, True))
        pos = max(pos, start + ln)
    if begin + length > pos:
        out.append((pos, begin + length - pos, False))
    return out


def distance(a, b):
    (b1, l1, u1), (b2, l2, u2) = a, b
    if u1 and u2 and -l1 < b1 - b2 < l2:
        return (b1 - b2) ** 2 + ((b1 + l1) - (b2 + l2)) ** 2
    if u1 and not u2 and b1 >= b2 and b1 + l1 <= b2 + l2:
        return l1 * l1
    if u2 and not u1 and b2 >= b1 and b2 + l2 <= b1 + l1:
        return l2 * l2
    return 0


def meet(a, b):
    return a[0] < b[0] + b[1] and b[0] < a[0] + a[1]


def alpha_u(begin, length, coders, units_by_coder):
    """units_by_coder[c] = list of (start, length) of one category. Returns (D_o, D_e)."""
    m, L = coders, length
    secs = [sections(u, begin, length) for u in units_by_coder]
    observed = 0
    for i in range(m):
        for j in range(i + 1, m):
            for a in secs[i]:
                for b in secs[j]:
                    if meet(a, b):
                        observed += distance(a, b)
    d_o = 2 * observed / (m * (m - 1) * L * L)
    unit_lengths = [ln for u in units_by_coder for (_, ln) in u]
    gaps = [ln for s in secs for (_, ln, is_unit) in s if not is_unit]
    n_c = len(unit_lengths)
    numerator = 0
    for l in unit_lengths:
        numerator += (n_c - 1) * (2 * l**3 - 3 * l**2 + l) // 3
        numerator += l * l * sum(h - l + 1 for h in gaps if h >= l)
    denominator = m * L * (m * L - 1) - sum(l * (l - 1) for l in unit_lengths)
    d_e = 2 / L * numerator / denominator
    return d_o, d_e


def check_published_alpha_u():
    # Krippendorff (2004) Fig. 2, category c and k; DKPro: alpha_c 0.7286, overall 0.8591.
    c = alpha_u(150, 300, 2, [[(225, 70), (370, 30)], [(220, 80), (355, 20), (400, 20)]])
    k = alpha_u(150, 300, 2, [[(180, 60), (300, 50)], [(180, 60), (300, 50)]])
    assert abs(1 - c[0] / c[1] - 0.728598996805389) < 1e-12, c
    assert abs(1 - (c[0] + k[0]) / (c[1] + k[1]) - 0.8586654051841702) < 1e-12
    small = alpha_u(0, 10, 2, [[(1, 8)], [(2, 1), (4, 1), (6, 1)]])
    assert abs(1 - small[0] / small[1] - (-0.7003460207612457)) < 1e-12, small


def random_units(rng, length, count):
    """Non-overlapping units of positive length in [0, length)."""
    cuts = sorted(rng.sample(range(length + 1), min(2 * count, length + 1) // 2 * 2))
    pairs = [(cuts[i], cuts[i + 1] - cuts[i]) for i in range(0, len(cuts), 2) if cuts[i + 1] > cuts[i]]
    return [p for p in pairs if rng.random() < 0.8]


def unitizing_cases(rng, count):
    cases = []
    for _ in range(count):
        coders = rng.randint(2, 4)
        categories = rng.randint(1, 3)
        length = rng.randint(20, 300)
        units = []  # (coder, category, start, length)
        for coder in range(coders):
            for category in range(categories):
                for start, ln in random_units(rng, length, rng.randint(0, 6)):
                    units.append([coder, category, start, ln])
        per_category = []
        for category in range(categories):
            by_coder = [[(u[2], u[3]) for u in units if u[0] == c and u[1] == category] for c in range(coders)]
            if not any(by_coder):
                per_category.append(None)
                continue
            d_o, d_e = alpha_u(0, length, coders, by_coder)
            per_category.append({"observed": d_o, "expected": d_e})
        cases.append({"coders": coders, "categories": categories, "length": length, "units": units,
                      "per_category": per_category})
    return cases


def reliability_matrix(rng):
    coders, units = rng.randint(2, 5), rng.randint(5, 40)
    values = rng.randint(2, 6)
    missing = rng.choice([0.0, 0.1, 0.3])
    data = [[None if rng.random() < missing else rng.randint(1, values) for _ in range(units)] for _ in range(coders)]
    # Make agreement more likely than chance, so alphas are spread out.
    for u in range(units):
        if rng.random() < 0.6:
            v = rng.randint(1, values)
            for c in range(coders):
                if data[c][u] is not None and rng.random() < 0.8:
                    data[c][u] = v
    return data


def alpha_cases(rng, count):
    cases = []
    while len(cases) < count:
        data = reliability_matrix(rng)
        array = np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)
        expected = {}
        try:
            for level in ["nominal", "ordinal", "interval", "ratio"]:
                expected[level] = float(krippendorff.alpha(reliability_data=array, level_of_measurement=level))
        except (ValueError, ZeroDivisionError):
            continue
        if any(np.isnan(v) for v in expected.values()):
            continue
        triples = [(str(c), str(u), str(v)) for c, row in enumerate(data) for u, v in enumerate(row) if v is not None]
        pairable = [u for u in range(len(data[0])) if sum(row[u] is not None for row in data) >= 2]
        triples = [t for t in triples if int(t[1]) in pairable]
        nltk_alpha = AnnotationTask(data=triples).alpha()
        assert abs(nltk_alpha - expected["nominal"]) < 1e-9, (nltk_alpha, expected["nominal"])
        cases.append({"data": data, "alpha": expected})
    return cases


def cohen_cases(rng, count):
    cases = []
    while len(cases) < count:
        n, q = rng.randint(10, 80), rng.randint(2, 4)
        a = [rng.randint(0, q - 1) for _ in range(n)]
        b = [x if rng.random() < 0.6 else rng.randint(0, q - 1) for x in a]
        labels = sorted(set(a) | set(b))
        if len(labels) < 2:
            continue
        table = np.zeros((len(labels), len(labels)))
        for x, y in zip(a, b):
            table[labels.index(x), labels.index(y)] += 1
        result = cohens_kappa(table)
        cases.append({"a": a, "b": b, "kappa": float(cohen_kappa_score(a, b)), "std_error": float(result.std_kappa)})
    return cases


def fleiss_cases(rng, count):
    cases = []
    while len(cases) < count:
        subjects, raters, categories = rng.randint(5, 30), rng.randint(2, 8), rng.randint(2, 5)
        table = []
        for _ in range(subjects):
            favourite = rng.randint(0, categories - 1)
            row = [0] * categories
            for _ in range(raters):
                row[favourite if rng.random() < 0.5 else rng.randint(0, categories - 1)] += 1
            table.append(row)
        value = float(fleiss_kappa(np.array(table)))
        if np.isnan(value):
            continue
        cases.append({"counts": table, "kappa": value})
    return cases


def main():
    check_published_alpha_u()
    rng = random.Random(20261129)
    cases = {
        "generated_by": "tests/crosscheck/make_agreement_cases.py",
        "versions": {"krippendorff": getattr(krippendorff, "__version__", "?"), "numpy": np.__version__},
        "alpha": alpha_cases(rng, 40),
        "cohen": cohen_cases(rng, 25),
        "fleiss": fleiss_cases(rng, 25),
        "unitizing": unitizing_cases(rng, 40),
    }
    out = Path(__file__).resolve().parent.parent / "fixtures" / "agreement_crosscheck.json"
    out.write_text(json.dumps(cases, indent=1) + "\n")
    print(f"wrote {out}: " + ", ".join(f"{k} {len(v)}" for k, v in cases.items() if isinstance(v, list)))


if __name__ == "__main__":
    sys.exit(main())
