"""Krippendorff's unitized alpha (alpha_U): agreement on where units are *and* what they are, over a
continuum (the characters of the articles), Krippendorff (2004, Content Analysis, 2nd ed., sec. 12.4).

For each category c, every coder's continuum is cut into segments: units of c and the gaps between
them. Two overlapping segments of two coders differ by
- unit vs unit: (start difference)^2 + (end difference)^2;
- a unit lying wholly inside the other coder's gap: its length^2;
- otherwise (gap vs gap, a unit only partly in a gap): 0.
Observed: the sum over ordered coder pairs / (m (m - 1) L^2). Expected (L the continuum length, N_c the
units of c, w = 1 for a unit):
  2 / L * sum_units [ (N_c - 1)/3 (2 l^3 - 3 l^2 + l) + l^2 sum_{gaps, length >= l} (gap - l + 1) ]
        / [ m L (m L - 1) - sum_units l (l - 1) ]
alpha_c = 1 - D_o,c / D_e,c; overall alpha_U = 1 - sum_c D_o,c / sum_c D_e,c.
Checked against Krippendorff's worked example (2004, p. 254: alpha_U 0.8591, c 0.7286, k 1.0): two
coders; the formula for more coders follows the same sums but is not checked against a published value.
One coder's overlapping units of one category are merged first (the measure assumes they do not overlap).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from .coefficients import Agreement

Unit = tuple[int, int, str]  # start, end (exclusive), category


@dataclass(frozen=True)
class UnitizedAlpha:
    overall: Agreement
    by_category: dict[str, Agreement]


def _segments(units: list[tuple[int, int]], begin: int, end: int) -> list[tuple[int, int, bool]]:
    """The continuum [begin, end) cut into (start, end, is_unit) segments; overlapping units merged."""
    merged: list[list[int]] = []
    for s, e in sorted(units):
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out: list[tuple[int, int, bool]] = []
    pos = begin
    for s, e in merged:
        if s > pos:
            out.append((pos, s, False))
        out.append((s, e, True))
        pos = e
    if pos < end:
        out.append((pos, end, False))
    return out


def _overlapping_sum(a: list[tuple[int, int, bool]], b: list[tuple[int, int, bool]]) -> float:
    """Sum of distances of the overlapping segment pairs of two coders (both lists sorted and
    contiguous): a two-pointer walk, O(len(a) + len(b)), not every pair. The distance of two
    overlapping segments: both units: the squared differences of starts and ends; a unit inside the other's
    gap: its length squared; otherwise 0 (inlined: the loop runs once per segment of every article)."""
    total, i, j = 0, 0, 0
    na, nb = len(a), len(b)
    while i < na and j < nb:
        sa, ea, ua = a[i]
        sb, eb, ub = b[j]
        if (ea if ea < eb else eb) > (sa if sa > sb else sb):  # they overlap
            if ua and ub:
                total += (sa - sb) ** 2 + (ea - eb) ** 2
            elif ua and not ub and sb <= sa and ea <= eb:
                total += (ea - sa) ** 2
            elif ub and not ua and sa <= sb and eb <= ea:
                total += (eb - sb) ** 2
        if ea <= eb:
            i += 1
        else:
            j += 1
    return float(total)


def unitized_alpha(coders: Mapping[str, Sequence[Unit]], begin: int, length: int) -> UnitizedAlpha:
    """alpha_U of the coders' units on the continuum [begin, begin + length)."""
    names = sorted(coders)
    m, big_l = len(names), length
    categories = sorted({cat for units in coders.values() for _, _, cat in units})
    if m < 2 or big_l <= 0:
        none = Agreement(None, 0, "fewer than two coders" if m < 2 else "an empty continuum")
        return UnitizedAlpha(none, {})
    by_cat: dict[str, Agreement] = {}
    sum_o = sum_e = 0.0
    for cat in categories:
        segs = {n: _segments([(s, e) for s, e, c in coders[n] if c == cat], begin, begin + big_l) for n in names}
        # the distance is symmetric: each unordered pair of coders counted once, twice
        observed = 2 * sum(_overlapping_sum(segs[i], segs[j]) for i, j in combinations(names, 2))
        d_o = observed / (m * (m - 1) * big_l ** 2)
        units = [e - s for n in names for s, e, u in segs[n] if u]
        gaps = [e - s for n in names for s, e, u in segs[n] if not u]
        n_c = len(units)
        gaps.sort()
        suffix = [0] * (len(gaps) + 1)  # suffix[k] = sum of gaps[k:]
        for k in range(len(gaps) - 1, -1, -1):
            suffix[k] = suffix[k + 1] + gaps[k]

        def fits(ln: int) -> int:  # sum over gaps of length >= ln of (gap - ln + 1)
            k = bisect_left(gaps, ln)
            return suffix[k] - (ln - 1) * (len(gaps) - k)

        numerator = sum((n_c - 1) / 3 * (2 * ln ** 3 - 3 * ln ** 2 + ln) + ln ** 2 * fits(ln) for ln in units)
        denominator = m * big_l * (m * big_l - 1) - sum(ln * (ln - 1) for ln in units)
        d_e = 2 / big_l * numerator / denominator if denominator else 0.0
        by_cat[cat] = Agreement.of(1 - d_o / d_e, n_c) if d_e else Agreement(None, n_c, "no expected disagreement")
        sum_o += d_o
        sum_e += d_e
    n_units = sum(len(u) for u in coders.values())
    overall = Agreement.of(1 - sum_o / sum_e, n_units) if sum_e else Agreement(None, n_units, "no unit to compare")
    return UnitizedAlpha(overall, by_cat)
