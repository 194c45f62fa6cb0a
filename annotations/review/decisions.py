"""The review steps as plain functions: each turns a unit (``units.py``) and what the gold layer holds
into one ``GoldChange`` (applied atomically by ``Store.apply_gold``), and ``invert`` gives the step that
undoes it. The rules of the gold layer live here once:

- a unit has at most one decision; deciding again replaces the old one and its gold claims;
- a decision made by a reviewer (picked, edited, added, no claim) is never changed by a re-merge;
  only automatic ``unanimous`` decisions are redone when the annotators' claims change;
- a decision whose unit changed since (``basis`` no longer the unit's ``fingerprint``) is shown as
  disagreeing with its sources; one whose unit is gone (every variant deleted) as an orphan.
"""

from __future__ import annotations

import hashlib
import uuid
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from ..models import GOLD, Claim, Decision, now_iso
from ..store import GoldChange
from .units import ClaimUnit


def fingerprint(unit: ClaimUnit) -> str:
    """What the unit's variants are (who claimed which span with which values), as a short hash."""
    rows = sorted((who, c.start, c.end, c.type, c.stance, c.target) for who, cs in unit.variants.items() for c in cs)
    return hashlib.sha256(repr(rows).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def changed(unit: ClaimUnit, decision: Decision | None, basis: Callable[[ClaimUnit], str] = fingerprint) -> bool:
    """The decision no longer agrees with the annotators' claims it was made on (``basis``: the unit's
    fingerprint, or a cache of it)."""
    return decision is not None and decision.basis != basis(unit)


def is_open(unit: ClaimUnit, decision: Decision | None, basis: Callable[[ClaimUnit], str] = fingerprint) -> bool:
    """In the conflict queue: a disagreement not decided yet, or a decision whose sources changed since."""
    return (decision is None and not unit.unanimous) or changed(unit, decision, basis)


def match_decisions(units: Sequence[ClaimUnit], decisions: Sequence[Decision]) -> dict[int, Decision]:
    """unit index -> its decision: the first (by start) decision overlapping the unit. Units are disjoint and
    in text order, so each decision finds its units by bisection (2,000 units x 2,000 decisions: no product)."""
    ends = [u.end for u in units]
    out: dict[int, Decision] = {}
    for d in sorted(decisions, key=lambda d: (d.start, d.end, d.id)):
        i = bisect_right(ends, d.start)  # the first unit ending after the decision starts
        while i < len(units) and units[i].start < d.end:
            out.setdefault(i, d)
            i += 1
    return out


def new_id() -> str:
    return uuid.uuid4().hex[:20]


def same_claim(a: Claim, b: Claim) -> bool:
    return (a.start, a.end, a.type, a.stance, a.target) == (b.start, b.end, b.type, b.stance, b.target)


def gold_copy(claim: Claim, claim_id: str | None = None) -> Claim:
    """An annotator's claim as a gold claim (its note stays: it is part of the claim)."""
    return replace(claim, id=claim_id or new_id(), annotator=GOLD, created="", updated="")


def _sources(unit: ClaimUnit, chosen: Sequence[Claim]) -> tuple[str, ...]:
    """The annotators whose variant is the chosen one (same spans and values)."""
    return tuple(sorted(who for who, cs in unit.variants.items()
                        if len(cs) == len(chosen) and all(same_claim(a, b) for a, b in zip(cs, chosen))))


def _replacing(existing: Decision | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(gold claims out, decisions out): what deciding a unit again replaces."""
    if existing is None:
        return (), ()
    return existing.claim_ids, (existing.id,)


def pick(unit: ClaimUnit, annotator: str, existing: Decision | None, reviewer: str, sha: str,
         how: str = "picked") -> GoldChange:
    """``annotator``'s variant of ``unit`` into gold (replacing the unit's decision, keeping its rationale)."""
    chosen = unit.variants[annotator]
    claims = tuple(gold_copy(c) for c in chosen)
    decision = Decision(new_id(), chosen[0].article_id, sha, unit.start, unit.end, how, _sources(unit, chosen),
                        tuple(c.id for c in claims), fingerprint(unit), reviewer, now_iso(),
                        existing.rationale if existing else "")
    claims_out, decisions_out = _replacing(existing)
    return GoldChange(chosen[0].article_id, claims_out, claims, decisions_out, (decision,))


def no_claim(unit: ClaimUnit, article_id: str, existing: Decision | None, reviewer: str, sha: str) -> GoldChange:
    """A negative decision: nothing in ``unit`` is a claim (every variant was wrong)."""
    decision = Decision(new_id(), article_id, sha, unit.start, unit.end, "no claim", tuple(sorted(unit.variants)), (),
                        fingerprint(unit), reviewer, now_iso(), existing.rationale if existing else "")
    claims_out, decisions_out = _replacing(existing)
    return GoldChange(article_id, claims_out, (), decisions_out, (decision,))


def edited(decision: Decision, old: Claim, new: Claim, reviewer: str) -> GoldChange:
    """A gold claim changed by the reviewer: the decision says ``edited`` from now on."""
    how = decision.how if decision.how in ("added", "edited") else "edited"
    again = replace(decision, how=how, reviewer=reviewer, at=now_iso())
    return GoldChange(old.article_id, claims_in=(replace(new, id=old.id, annotator=GOLD),), decisions_in=(again,))


def with_rationale(decision: Decision, rationale: str, reviewer: str) -> GoldChange:
    return GoldChange(decision.article_id, decisions_in=(replace(decision, rationale=rationale, reviewer=reviewer,
                                                                 at=now_iso()),))


def merge_unanimous(article_id: str, units: Sequence[ClaimUnit], decided: Mapping[int, Decision],
                    all_decisions: Sequence[Decision], reviewer: str, sha: str) -> GoldChange:
    """Every unanimous unit without a decision into gold, and the automatic decisions whose unit changed
    redone (or dropped, if the unit is no longer unanimous); manual decisions stay as they are."""
    claims_in: list[Claim] = []
    decisions_in: list[Decision] = []
    claims_out: list[str] = []
    decisions_out: list[str] = []
    matched = {d.id for d in decided.values()}
    for old in all_decisions:  # automatic decisions left without a unit (every variant deleted): gone
        if not old.manual and old.id not in matched:
            claims_out += old.claim_ids
            decisions_out.append(old.id)
    for i, unit in enumerate(units):
        d: Decision | None = decided.get(i)
        if d is not None and (d.manual or d.basis == fingerprint(unit)):
            continue
        if d is not None:
            claims_out += d.claim_ids
            decisions_out.append(d.id)
        if unit.unanimous:
            step = pick(unit, next(iter(sorted(unit.variants))), None, reviewer, sha, how="unanimous")
            claims_in += step.claims_in
            decisions_in += step.decisions_in
    return GoldChange(article_id, tuple(claims_out), tuple(claims_in), tuple(decisions_out), tuple(decisions_in))


def invert(step: GoldChange, gold_before: Mapping[str, Claim], decisions_before: Mapping[str, Decision],
           state_before: tuple[str, dict[str, list[str]]]) -> GoldChange:
    """The step that puts back what ``step`` changed (``*_before``: the gold layer before it, by id)."""
    touched_claims = set(step.claims_out) | {c.id for c in step.claims_in}
    touched_decisions = set(step.decisions_out) | {d.id for d in step.decisions_in}
    status, labels = state_before
    return GoldChange(
        step.article_id,
        claims_out=tuple(sorted(i for i in touched_claims if i not in gold_before)),
        claims_in=tuple(gold_before[i] for i in sorted(touched_claims) if i in gold_before),
        decisions_out=tuple(sorted(i for i in touched_decisions if i not in decisions_before)),
        decisions_in=tuple(decisions_before[i] for i in sorted(touched_decisions) if i in decisions_before),
        status=status if step.status is not None else None,
        labels=labels if step.labels is not None else None)
