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
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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


@dataclass
class Piece:
    """What alpha_U needs of one stretch of the continuum (an article), per category: the observed
    distance (a sum over the stretch: every unit lies inside it), the unit lengths, the gaps that touch
    neither end, and each coder's gaps at the two ends (``None``: no unit, the whole stretch one gap),
    which join the gaps of the stretches beside it. Pieces are made apart (in several processes) and
    joined in order by ``joined_alpha``."""

    length: int
    given: int = 0  # units the coders gave (before a coder's overlapping units of one category merge)
    observed: dict[str, float] = field(default_factory=dict)
    units: dict[str, list[int]] = field(default_factory=dict)  # lengths (lists: counted once, when joined)
    gaps: dict[str, list[int]] = field(default_factory=dict)
    ends: dict[str, dict[str, tuple[int, int] | None]] = field(default_factory=dict)


def piece(coders: Mapping[str, Sequence[Unit]], begin: int, length: int) -> Piece:
    """The ``Piece`` of the stretch [begin, begin + length) (``coders``: every coder, with or without units)."""
    names = sorted(coders)
    out = Piece(length, sum(len(units) for units in coders.values()))
    for cat in sorted({cat for units in coders.values() for _, _, cat in units}):
        segs = {n: _segments([(s, e) for s, e, c in coders[n] if c == cat], begin, begin + length) for n in names}
        # the distance is symmetric: each unordered pair of coders counted once, twice
        out.observed[cat] = 2 * sum(_overlapping_sum(segs[i], segs[j]) for i, j in combinations(names, 2))
        units: list[int] = []
        gaps: list[int] = []
        out.units[cat], out.gaps[cat] = units, gaps
        ends = out.ends[cat] = {}
        for n in names:
            ss = segs[n]
            lengths = [e - s for s, e, u in ss if u]
            if not lengths:
                ends[n] = None
                continue
            units += lengths
            lead = ss[0][1] - ss[0][0] if not ss[0][2] else 0
            trail = ss[-1][1] - ss[-1][0] if not ss[-1][2] else 0
            gaps += [e - s for s, e, u in ss[1:-1] if not u]
            ends[n] = (lead, trail)
    return out


def unitized_alpha(coders: Mapping[str, Sequence[Unit]], begin: int, length: int) -> UnitizedAlpha:
    """alpha_U of the coders' units on the continuum [begin, begin + length)."""
    return joined_alpha([piece(coders, begin, length)], sorted(coders))


def joined_alpha(pieces: Sequence[Piece], names: Sequence[str]) -> UnitizedAlpha:
    """alpha_U of the continuum made of ``pieces`` one after another (``names``: every coder)."""
    m, big_l = len(names), sum(p.length for p in pieces)
    if m < 2 or big_l <= 0:
        none = Agreement(None, 0, "fewer than two coders" if m < 2 else "an empty continuum")
        return UnitizedAlpha(none, {})
    by_cat: dict[str, Agreement] = {}
    sum_o = sum_e = 0.0
    for cat in sorted({cat for p in pieces for cat in p.ends}):
        observed = sum(p.observed.get(cat, 0.0) for p in pieces)
        units = Counter(ln for p in pieces if cat in p.units for ln in p.units[cat])
        gaps = Counter(ln for p in pieces if cat in p.gaps for ln in p.gaps[cat])
        for n in names:  # a coder's gaps at the ends of a piece join the next piece's
            carry = 0
            for p in pieces:
                ends = p.ends.get(cat, {}).get(n)
                if ends is None:
                    carry += p.length
                    continue
                if carry + ends[0]:
                    gaps[carry + ends[0]] += 1
                carry = ends[1]
            if carry:
                gaps[carry] += 1
        d_o = observed / (m * (m - 1) * big_l ** 2)
        n_c = sum(units.values())
        lengths = sorted(gaps)
        suffix_n = [0] * (len(lengths) + 1)  # gaps of length >= lengths[k]: how many, and their total
        suffix_sum = [0] * (len(lengths) + 1)
        for k in range(len(lengths) - 1, -1, -1):
            suffix_n[k] = suffix_n[k + 1] + gaps[lengths[k]]
            suffix_sum[k] = suffix_sum[k + 1] + gaps[lengths[k]] * lengths[k]

        def fits(ln: int) -> int:  # sum over gaps of length >= ln of (gap - ln + 1)
            k = bisect_left(lengths, ln)
            return suffix_sum[k] - (ln - 1) * suffix_n[k]

        numerator = sum(k * ((n_c - 1) / 3 * (2 * ln ** 3 - 3 * ln ** 2 + ln) + ln ** 2 * fits(ln))
                        for ln, k in units.items())
        denominator = m * big_l * (m * big_l - 1) - sum(k * ln * (ln - 1) for ln, k in units.items())
        d_e = 2 / big_l * numerator / denominator if denominator else 0.0
        by_cat[cat] = Agreement.of(1 - d_o / d_e, n_c) if d_e else Agreement(None, n_c, "no expected disagreement")
        sum_o += d_o
        sum_e += d_e
    n_units = sum(p.given for p in pieces)
    overall = Agreement.of(1 - sum_o / sum_e, n_units) if sum_e else Agreement(None, n_units, "no unit to compare")
    return UnitizedAlpha(overall, by_cat)
