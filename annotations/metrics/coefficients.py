"""Chance-corrected agreement coefficients, as published, in plain Python (no numpy at run time).

Every function returns an ``Agreement``: never NaN, never an exception for degenerate input. When every
value is one and the same category the formulas are 0/0: the value is 1.0 (the observed agreement is
perfect) with the reason said; with nothing to compare (no unit two coders coded, one coder) the value
is ``None`` with the reason.
``None`` in the data is a missing value, never a category (the NLTK #2865 trap).

- ``cohen_kappa(a, b)``: two coders, nominal (Cohen 1960). Units where either is missing are dropped.
- ``fleiss_kappa(units)``: each unit a list of the values its coders gave (Fleiss 1971); units with
  fewer values than the most common count are dropped (Fleiss needs the same number of raters per unit).
- ``krippendorff_alpha(units, metric)``: each unit a list of values (``None``: that coder gave none),
  any number of coders, missing data allowed (Krippendorff 2011, "Computing Krippendorff's
  Alpha-Reliability"), metric ``"nominal"`` or ``"interval"``. Units with fewer than two values do
  not count (they are not pairable).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

FEW_UNITS = 30  # under this many units a figure is printed with a warning
ONE_CATEGORY = "one category only: 1.0 (perfect observed agreement; the formula is 0/0)"


@dataclass(frozen=True)
class Agreement:
    value: float | None
    n_units: int
    reason: str = ""  # why value is None (or a note on what was counted)
    warnings: tuple[str, ...] = field(default=())

    @staticmethod
    def of(value: float | None, n_units: int, reason: str = "") -> Agreement:
        warnings = (f"only {n_units} units compared (under {FEW_UNITS}): read it as a rough figure",) \
            if value is not None and n_units < FEW_UNITS else ()
        return Agreement(value, n_units, reason, warnings)

    def to_json(self) -> dict[str, Any]:
        return {"value": None if self.value is None else round(self.value, 6), "n_units": self.n_units,
                "reason": self.reason, "warnings": list(self.warnings)}


def _undefined(n: int, reason: str) -> Agreement:
    return Agreement(None, n, reason)


def cohen_kappa(a: Sequence[Hashable | None], b: Sequence[Hashable | None]) -> Agreement:
    if len(a) != len(b):
        raise ValueError("the two coders' sequences differ in length")
    # counted by (a's value, b's value) in one C-level pass: a store's pairs run to hundreds of thousands
    return cohen_kappa_counted(Counter(zip(a, b)))


def cohen_kappa_counted(pairs: Counter[tuple[Any, Any]]) -> Agreement:
    """``cohen_kappa`` of the units counted by (a's value, b's value) (tallies merged from several passes)."""
    joint = [(xy, k) for xy, k in pairs.items() if xy[0] is not None and xy[1] is not None]
    n = sum(k for _, k in joint)
    if n == 0:
        return _undefined(0, "no unit coded by both")
    observed = sum(k for (x, y), k in joint if x == y) / n
    ca: Counter[Hashable] = Counter()
    cb: Counter[Hashable] = Counter()
    for (x, y), k in joint:
        ca[x] += k
        cb[y] += k
    expected = sum(ca[k] * cb.get(k, 0) for k in ca) / (n * n)
    if expected == 1.0:
        return Agreement.of(1.0, n, ONE_CATEGORY)
    return Agreement.of((observed - expected) / (1 - expected), n)


def value_patterns(units: Sequence[Sequence[Any]]) -> Counter[tuple[Any, ...]]:
    """Units counted by the values given (missing ones left out): identical units counted once (3
    annotators, a few categories: a handful of patterns for 100,000 units). What ``fleiss_kappa_counted``
    and ``krippendorff_alpha_counted`` take; tallies of several passes add up with ``+``."""
    return Counter(tuple(v for v in unit if v is not None) for unit in units)


def fleiss_kappa(units: Sequence[Sequence[Hashable | None]]) -> Agreement:
    return fleiss_kappa_counted(value_patterns(units))


def fleiss_kappa_counted(patterns: Counter[tuple[Any, ...]]) -> Agreement:
    sizes: Counter[int] = Counter()
    for r, k in patterns.items():
        if len(r) >= 2:
            sizes[len(r)] += k
    if not sizes:
        return _undefined(0, "no unit with two or more ratings")
    m = max(sizes, key=lambda r: (sizes[r], r))  # the most common number of raters (a tie: the larger)
    kept = [(r, k) for r, k in patterns.items() if len(r) == m]
    n = sum(k for _, k in kept)
    dropped = sum(k for r, k in patterns.items() if r) - n
    totals: Counter[Hashable] = Counter()  # ratings per category, all units
    for r, k in kept:
        for v in r:
            totals[v] += k
    # P_i = (sum_j n_ij^2 - m) / (m (m - 1)); sum_j n_ij^2 = sum over the unit's ratings of their count
    p_bar = sum(k * (sum(map(r.count, r)) - m) for r, k in kept) / (n * m * (m - 1))
    p_e = sum((t / (n * m)) ** 2 for t in totals.values())
    note = f"{dropped} unit(s) with another number of raters than {m} left out" if dropped else ""
    if p_e == 1.0:
        return Agreement.of(1.0, n, ONE_CATEGORY)
    return Agreement.of((p_bar - p_e) / (1 - p_e), n, note)


def krippendorff_alpha(units: Sequence[Sequence[Any]], metric: str = "nominal") -> Agreement:
    """Closed forms of the coincidence sums (one pass over the values, not over every pair):
    nominal: D_o = sum_u (m_u^2 - sum_c n_uc^2) / (m_u - 1), D_e = (n^2 - sum_c n_c^2) / (n - 1);
    interval: D_o = sum_u (2 m_u S2_u - 2 S1_u^2) / (m_u - 1), D_e = (2 n S2 - 2 S1^2) / (n - 1)."""
    return krippendorff_alpha_counted(value_patterns(units), metric)


def krippendorff_alpha_counted(counted: Counter[tuple[Any, ...]], metric: str = "nominal") -> Agreement:
    """``krippendorff_alpha`` of units counted by their values (``value_patterns``)."""
    if metric not in ("nominal", "interval"):
        raise ValueError(f"unknown metric {metric!r} (nominal or interval)")
    patterns = [(u, k) for u, k in counted.items() if len(u) >= 2]
    n_units = sum(k for _, k in patterns)
    if not n_units:
        return _undefined(0, "no unit with two or more values")
    n = sum(len(u) * k for u, k in patterns)
    if metric == "nominal":
        totals: Counter[Any] = Counter()
        for u, k in patterns:
            for v in u:
                totals[v] += k
        if len(totals) < 2:
            return Agreement.of(1.0, n_units, ONE_CATEGORY)
        observed = sum(k * (len(u) ** 2 - sum(map(u.count, u))) / (len(u) - 1) for u, k in patterns)
        expected = (n * n - sum(t * t for t in totals.values())) / (n - 1)
    else:
        if len({float(v) for u, _ in patterns for v in u}) < 2:
            return Agreement.of(1.0, n_units, ONE_CATEGORY)
        observed = 0.0
        s1 = s2 = 0.0
        for u, k in patterns:
            values = [float(v) for v in u]
            u1, u2 = sum(values), sum(v * v for v in values)
            observed += k * (2 * len(u) * u2 - 2 * u1 * u1) / (len(u) - 1)
            s1, s2 = s1 + k * u1, s2 + k * u2
        expected = (2 * n * s2 - 2 * s1 * s1) / (n - 1)
    if expected == 0:
        return _undefined(n_units, "no expected disagreement: alpha is not defined")
    return Agreement.of(1 - observed / expected, n_units)
