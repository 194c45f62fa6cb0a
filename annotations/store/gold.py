"""What a review decision does to a bucket's tables (inside ``Buckets.change``): gold claims put or
removed, decisions (``review/<bb>.json``, table ``decisions``) put or removed, the gold state's labels
and status set, all in one change: a decision is never half written, and each part is logged."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import StoreError
from ..models import GOLD, Claim, Decision, now_iso
from .buckets import BucketChange
from .counts import recount
from .db import match, put
from .writes import plain, put_state, save_group, state_fields


@dataclass(frozen=True)
class GoldChange:
    """One step of review on one article: what leaves the gold layer and what comes in."""

    article_id: str
    claims_out: tuple[str, ...] = ()  # gold claim ids to remove
    claims_in: tuple[Claim, ...] = ()  # gold claims to put (annotator ``gold``)
    decisions_out: tuple[str, ...] = ()
    decisions_in: tuple[Decision, ...] = ()
    status: str | None = None  # the gold state's status
    labels: dict[str, list[str]] | None = field(default=None)  # the gold article labels


def apply_gold(change: BucketChange, step: GoldChange, reviewer: str) -> None:
    """Apply ``step`` inside ``change`` (the article's bucket, its lock held)."""
    if any(c.annotator != GOLD or c.article_id != step.article_id for c in step.claims_in):
        raise StoreError("a review step puts only gold claims of its own article")
    fields = state_fields(step.status, step.labels)
    claims, states, decisions = change.table("claims"), change.table("states"), change.table("review")
    overtaken = _overtaken(decisions.search(match(article_id=step.article_id)), step)
    claims_out = list(step.claims_out)
    for decision_id in sorted(set(step.decisions_out) | overtaken):
        before = decisions.get(match(id=decision_id, article_id=step.article_id))
        if before is not None:
            decisions.remove(doc_ids=[before.doc_id])
            change.log(reviewer, "decision.delete", decision_id, plain(before), None)
            if decision_id in overtaken:  # its gold claims go with it
                claims_out += [c for c in before.get("claim_ids", []) if isinstance(c, str)]
    removed = False
    for claim_id in claims_out:
        before = claims.get(match(id=claim_id, article_id=step.article_id, annotator=GOLD))
        if before is not None:
            claims.remove(doc_ids=[before.doc_id])
            change.log(GOLD, "claim.delete", claim_id, plain(before), None)
            removed = True
    if step.claims_in:
        save_group(change, list(step.claims_in), keep_times=False)  # recounts gold's claims too
    elif removed:
        recount(claims, states, step.article_id, {GOLD}, now_iso(), create=True)
    for decision in step.decisions_in:
        if decision.article_id != step.article_id:
            raise StoreError(f"decision {decision.id} belongs to another article")
        before = decisions.get(match(id=decision.id))
        record: dict[str, Any] = decision.to_record()
        put(decisions, before, record)
        change.log(reviewer, "decision.put", decision.id, plain(before), record)
    if fields:
        put_state(change, step.article_id, GOLD, fields)


def _overtaken(stored: Sequence[dict[str, Any]], step: GoldChange) -> set[str]:
    """Decisions of the article, not named by ``step``, that a decision of ``step`` covers (its unit overlaps
    theirs): another reviewer decided the same unit since this one read it. One unit, one decision: the
    later step wins, whole, and the log keeps what it replaced."""
    spans = sorted((d.start, d.end) for d in step.decisions_in if d.how != "labels")
    if not spans:
        return set()
    named = set(step.decisions_out) | {d.id for d in step.decisions_in}
    starts = [s for s, _ in spans]
    ends_before = [max(e for _, e in spans[: k + 1]) for k in range(len(spans))]  # running max of ends
    out = set()
    for doc in stored:
        did, s, e = doc.get("id"), doc.get("start"), doc.get("end")
        if did in named or doc.get("how") == "labels" or not isinstance(s, int) or not isinstance(e, int):
            continue
        k = bisect_left(starts, e) - 1  # the last new span starting before this one ends
        if k >= 0 and ends_before[k] > s:
            out.add(str(did))
    return out
