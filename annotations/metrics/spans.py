"""Claims of two annotators on one text, compared: which claims are "the same claim" (matched), and
span F1 (exact offsets; overlap).

Matching is one-to-one by overlap, largest overlap first (ties: the nearer starts, then the same target -
one span may carry a claim per target -, then text order):
two variants of one claim with different boundaries are one unit, not two disagreements (scoring only
exact-offset matches makes label agreement look better than it is, since the hard cases drop out).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Claim, claim_order

Candidate = tuple[int, int, bool, int, int]  # (-overlap, start distance, other target, index in a, index in b)


def candidates(a: Sequence[Claim], b: Sequence[Claim]) -> list[Candidate]:
    """Every overlapping pair of ``a`` and ``b``, best first (the order the matching takes them in)."""
    out = []
    others = sorted((y.start, y.end, y.target, j) for j, y in enumerate(b))  # by start: stop at the first past x
    for i, x in enumerate(a):
        xs, xe, xt = x.start, x.end, x.target
        for ys, ye, yt, j in others:
            if ys >= xe:
                break
            o = (xe if xe < ye else ye) - (xs if xs > ys else ys)
            if o > 0:
                out.append((-o, xs - ys if xs > ys else ys - xs, xt != yt, i, j))
    out.sort()
    return out


def _assign(found: Sequence[Candidate]) -> list[tuple[int, int]]:
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for *_, i, j in found:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    return pairs


def match_claims(a: Sequence[Claim], b: Sequence[Claim], found: Sequence[Candidate] | None = None
                 ) -> list[tuple[Claim, Claim]]:
    """One-to-one pairs of overlapping claims of ``a`` and ``b`` (same text), in text order of ``a``
    (``found``: their ``candidates``, if already made)."""
    pairs = [(a[i], b[j]) for i, j in _assign(candidates(a, b) if found is None else found)]
    pairs.sort(key=lambda p: claim_order(p[0]))
    return pairs


def matches_per_type(a: Sequence[Claim], b: Sequence[Claim], found: Sequence[Candidate]) -> dict[str, int]:
    """{claim type: matched pairs} when claims are matched only with claims of their own type. The same as
    ``match_claims`` on each type's claims alone (types never compete for a claim), from one candidate list."""
    same = [c for c in found if a[c[3]].type == b[c[4]].type]
    out: dict[str, int] = {}
    for i, _ in _assign(same):
        out[a[i].type] = out.get(a[i].type, 0) + 1
    return out


def best_match(claim: Claim, others: Sequence[Claim]) -> Claim | None:
    """The claim of ``others`` overlapping ``claim`` most (ties: the nearer start), or None."""
    found = match_claims([claim], others)
    return found[0][1] if found else None


@dataclass
class SpanCounts:
    """Counts pooled over articles: F1 = 2 * matched / (claims of A + claims of B)."""

    matched: int = 0
    n_a: int = 0
    n_b: int = 0

    def add(self, matched: int, n_a: int, n_b: int) -> None:
        self.matched += matched
        self.n_a += n_a
        self.n_b += n_b

    @property
    def f1(self) -> float | None:
        total = self.n_a + self.n_b
        return 2 * self.matched / total if total else None


def exact_matches(a: Sequence[Claim], b: Sequence[Claim]) -> int:
    """Claims with the same offsets on both sides (one-to-one)."""
    left = {(c.start, c.end) for c in a}
    right = {(c.start, c.end) for c in b}
    return len(left & right)
