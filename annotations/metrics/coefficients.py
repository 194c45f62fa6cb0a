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
from itertools import chain
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
    pairs = [(x, y) for x, y in zip(a, b) if x is not None and y is not None]
    n = len(pairs)
    if n == 0:
        return _undefined(0, "no unit coded by both")
    observed = sum(x == y for x, y in pairs) / n
    ca, cb = Counter(x for x, _ in pairs), Counter(y for _, y in pairs)
    expected = sum(ca[k] * cb.get(k, 0) for k in ca) / (n * n)
    if expected == 1.0:
        return Agreement.of(1.0, n, ONE_CATEGORY)
    return Agreement.of((observed - expected) / (1 - expected), n)


def fleiss_kappa(units: Sequence[Sequence[Hashable | None]]) -> Agreement:
    rated = [[v for v in unit if v is not None] for unit in units]
    sizes = Counter(len(r) for r in rated if len(r) >= 2)
    if not sizes:
        return _undefined(0, "no unit with two or more ratings")
    m = sizes.most_common(1)[0][0]
    kept = [r for r in rated if len(r) == m]
    dropped = len([r for r in rated if r]) - len(kept)
    n = len(kept)
    totals = Counter(chain.from_iterable(kept))  # ratings per category, all units
    # P_i = (sum_j n_ij^2 - m) / (m (m - 1)); sum_j n_ij^2 = sum over the unit's ratings of their count
    p_bar = sum(sum(map(r.count, r)) - m for r in kept) / (n * m * (m - 1))
    p_e = sum((t / (n * m)) ** 2 for t in totals.values())
    note = f"{dropped} unit(s) with another number of raters than {m} left out" if dropped else ""
    if p_e == 1.0:
        return Agreement.of(1.0, n, ONE_CATEGORY)
    return Agreement.of((p_bar - p_e) / (1 - p_e), n, note)


def krippendorff_alpha(units: Sequence[Sequence[Any]], metric: str = "nominal") -> Agreement:
    """Closed forms of the coincidence sums (one pass over the values, not over every pair):
    nominal: D_o = sum_u (m_u^2 - sum_c n_uc^2) / (m_u - 1), D_e = (n^2 - sum_c n_c^2) / (n - 1);
    interval: D_o = sum_u (2 m_u S2_u - 2 S1_u^2) / (m_u - 1), D_e = (2 n S2 - 2 S1^2) / (n - 1)."""
    if metric not in ("nominal", "interval"):
        raise ValueError(f"unknown metric {metric!r} (nominal or interval)")
    pairable = [[v for v in unit if v is not None] for unit in units]
    pairable = [u for u in pairable if len(u) >= 2]
    if not pairable:
        return _undefined(0, "no unit with two or more values")
    n = sum(len(u) for u in pairable)
    if metric == "nominal":
        totals = Counter(chain.from_iterable(pairable))
        if len(totals) < 2:
            return Agreement.of(1.0, len(pairable), ONE_CATEGORY)
        observed = sum((len(u) ** 2 - sum(map(u.count, u))) / (len(u) - 1) for u in pairable)
        expected = (n * n - sum(t * t for t in totals.values())) / (n - 1)
    else:
        values = [float(v) for v in chain.from_iterable(pairable)]
        if len(set(values)) < 2:
            return Agreement.of(1.0, len(pairable), ONE_CATEGORY)
        observed = 0.0
        for u in pairable:
            s1, s2 = sum(u), sum(v * v for v in u)
            observed += (2 * len(u) * s2 - 2 * s1 * s1) / (len(u) - 1)
        s1, s2 = sum(values), sum(v * v for v in values)
        expected = (2 * n * s2 - 2 * s1 * s1) / (n - 1)
    if expected == 0:
        return _undefined(len(pairable), "no expected disagreement: alpha is not defined")
    return Agreement.of(1 - observed / expected, len(pairable))
