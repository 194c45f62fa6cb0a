"""What a review decision does to a bucket's tables (inside ``Buckets.change``): gold claims put or
removed, decisions (``review/<bb>.json``, table ``decisions``) put or removed, the gold state's labels
and status set, all in one change: a decision is never half written, and each part is logged."""

from __future__ import annotations

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
    removed = False
    for claim_id in step.claims_out:
        before = claims.get(match(id=claim_id, article_id=step.article_id, annotator=GOLD))
        if before is not None:
            claims.remove(doc_ids=[before.doc_id])
            change.log(GOLD, "claim.delete", claim_id, plain(before), None)
            removed = True
    if step.claims_in:
        save_group(change, list(step.claims_in), keep_times=False)
    elif removed:
        recount(claims, states, step.article_id, {GOLD}, now_iso(), create=True)
    for decision_id in step.decisions_out:
        before = decisions.get(match(id=decision_id, article_id=step.article_id))
        if before is not None:
            decisions.remove(doc_ids=[before.doc_id])
            change.log(reviewer, "decision.delete", decision_id, plain(before), None)
    for decision in step.decisions_in:
        if decision.article_id != step.article_id:
            raise StoreError(f"decision {decision.id} belongs to another article")
        before = decisions.get(match(id=decision.id))
        record: dict[str, Any] = decision.to_record()
        put(decisions, before, record)
        change.log(reviewer, "decision.put", decision.id, plain(before), record)
    if fields:
        put_state(change, step.article_id, GOLD, fields)


def read_decisions(docs: Sequence[dict[str, Any]], skipped: dict[str, str]) -> list[Decision]:
    """Decisions from stored documents; one of the wrong shape (a hand edit) is left out and named."""
    out: list[Decision] = []
    for doc in docs:
        try:
            out.append(Decision.from_record(doc))
        except StoreError as exc:
            skipped[f"review record {str(doc.get('id') if isinstance(doc, dict) else '?')[:60]}"] = str(exc)
    return out
