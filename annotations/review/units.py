"""The reviewer's units: the claims of every annotator of one article grouped into units of "one claim"
(overlapping variants belong together, not split by exact offsets), each classified by what its
variants disagree on. The review list counts a unit that is not unanimous as an open conflict; the
review reader walks them with ``n`` / ``N``.

A unit's kinds (several can hold at once):
- ``missing``: some annotators who opened the article have no claim in it;
- ``boundary``: the variants' offsets differ;
- ``type`` / ``stance`` / ``target``: the variants' values differ.
A unit with none of them is unanimous: every annotator made the same claim, or the same claims (one span
may carry a claim per target) (one key accepts them all).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..models import Claim, claim_order

KINDS = ("missing", "boundary", "type", "stance", "target")


@dataclass(frozen=True)
class ClaimUnit:
    start: int  # the span every variant covers together
    end: int
    variants: Mapping[str, tuple[Claim, ...]]  # annotator -> their claims in this unit (text order)
    kinds: frozenset[str]

    @property
    def unanimous(self) -> bool:
        return not self.kinds


def units_of(claims: Mapping[str, Sequence[Claim]], annotators: Sequence[str] | None = None) -> list[ClaimUnit]:
    """Units of the claims of one article text, by annotator. ``annotators``: who opened the article
    (default: those with claims); one of them without a claim in a unit makes it ``missing``."""
    who = sorted(annotators if annotators is not None else claims)
    every = sorted(((w, c) for w in who for c in claims.get(w, ())), key=lambda wc: claim_order(wc[1]))
    groups: list[list[tuple[str, Claim]]] = []
    end = -1
    for w, c in every:  # sorted by start: a claim overlapping the group so far joins it
        if groups and c.start < end:
            groups[-1].append((w, c))
            end = max(end, c.end)
        else:
            groups.append([(w, c)])
            end = c.end
    return [_unit(g, who) for g in groups]


def _unit(group: list[tuple[str, Claim]], who: Sequence[str]) -> ClaimUnit:
    variants: dict[str, list[Claim]] = {}
    for w, c in group:
        variants.setdefault(w, []).append(c)
    def made(cs: list[Claim]) -> list[tuple[int, int, str, str, str]]:
        return sorted((c.start, c.end, c.type, c.stance, c.target) for c in cs)

    kinds: set[str] = set()
    first = made(next(iter(variants.values())))
    if all(w in variants for w in who) and all(made(cs) == first for cs in variants.values()):
        # every annotator made the same claims (e.g. one span, one claim per target): unanimous
        return ClaimUnit(group[0][1].start, max(c.end for _, c in group), {w: tuple(cs) for w, cs in variants.items()},
                         frozenset())
    if any(w not in variants for w in who) or any(len(cs) > 1 for cs in variants.values()):
        kinds.add("missing")  # someone has no claim here (or split it in two: the others miss one)
    claims = [c for _, c in group]
    if len({(c.start, c.end) for c in claims}) > 1:
        kinds.add("boundary")
    for field in ("type", "stance", "target"):
        if len({getattr(c, field) for c in claims}) > 1:
            kinds.add(field)
    return ClaimUnit(min(c.start for c in claims), max(c.end for c in claims),
                     {w: tuple(cs) for w, cs in variants.items()}, frozenset(kinds))


def open_conflicts(units: Sequence[ClaimUnit]) -> int:
    return sum(not u.unanimous for u in units)
