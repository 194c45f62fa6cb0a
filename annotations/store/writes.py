"""What one change does to a bucket's tables (inside ``Buckets.change``): claims put, a state put, an
article (or a new version of it) merged.
``Store`` calls these for single saves and imports alike, so a rule about a save lives here once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, cast

from tinydb import where
from tinydb.table import Document, Table

from ..errors import StoreError
from ..models import (
    STATUSES,
    AddResult,
    Article,
    ArticleState,
    Claim,
    NewArticle,
    labels_problem,
    now_iso,
    record_problem,
)
from .buckets import BucketChange
from .counts import recount, recount_many
from .db import FreshTable, match, put
from .files import copy_json


def plain(doc: Document | None) -> dict[str, Any] | None:
    return None if doc is None else dict(doc)


def save_group(change: BucketChange, group: Sequence[Claim], keep_times: bool) -> list[Claim]:
    """Put claims of one bucket (inside its change); returns them as stored (times set)."""
    claims, states = change.table("claims"), change.table("states")
    docs = {d.get("id"): d for d in claims.all()} if len(group) > 1 else None  # one save: no index
    start = datetime.now(timezone.utc)
    stamp = start.isoformat(timespec="microseconds")
    pairs: list[tuple[Document | None, dict[str, Any]]] = []
    saved: list[Claim] = []
    touched: dict[str, set[str]] = {}
    for n, claim in enumerate(group):
        # one time per claim, in order: claims on one span keep the order they were saved in
        stamp = (start + timedelta(microseconds=n)).isoformat(timespec="microseconds") if n else stamp
        before = docs.get(claim.id) if docs is not None else claims.get(match(id=claim.id))
        if before is not None and before.get("article_id") != claim.article_id:
            raise StoreError(f"claim id {claim.id} is taken by a claim of article {before.get('article_id')}")
        record = claim.to_record()
        record["created"] = (before.get("created") if before else None) or claim.created or stamp
        record["updated"] = claim.updated if keep_times and claim.updated else stamp
        claim = Claim(**record)
        pairs.append((before, record))
        saved.append(claim)
        touched.setdefault(claim.article_id, set()).add(claim.annotator)
        if before is not None:
            touched[claim.article_id].add(str(before.get("annotator")))
        change.log(claim.annotator, "claim.put", claim.id, plain(before), record)
    cast(FreshTable, claims).put_many(pairs)
    if len(touched) > 1:
        recount_many(claims, states, touched, stamp)
    else:
        for aid, who in touched.items():
            recount(claims, states, aid, who, stamp)
    return saved


def state_fields(status: str | None, labels: dict[str, list[str]] | None) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if status is not None:
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r} (one of: {', '.join(STATUSES)})")
        fields["status"] = status
    if labels is not None:
        if problem := labels_problem(labels):
            raise StoreError(f"{problem}, not {labels!r}")
        fields["labels"] = {k: list(v) for k, v in labels.items()}
    return fields

def put_state(change: BucketChange, article_id: str, annotator: str, fields: dict[str, Any]) -> dict[str, Any]:
    states = change.table("states")
    before = states.get(match(article_id=article_id, annotator=annotator))
    bad = before is not None and record_problem(ArticleState, before)
    # a record of the wrong shape (a hand edit) is replaced whole; the log keeps what it was
    record = ArticleState(article_id, annotator).to_record() if before is None or bad else copy_json(before)
    if bad:
        record["n_claims"] = change.table("claims").count(match(article_id=article_id, annotator=annotator))
    record.update(fields, updated=now_iso())
    put(states, before, record)
    change.log(annotator, "state.put", f"{article_id}/{annotator}", plain(before), record)
    return record


def merge_article(claims: Table, existing: dict[Any, Any], changed: dict[str, Any], item: NewArticle,
                  sha: str) -> AddResult:
    """``item`` (text ``sha``) as the record to put in ``changed``: a new article, an unchanged one, or a new
    version (the old text goes to ``old_versions``; the claims left on it are counted as stale)."""
    record = Article(id=item.id, title=item.title, source=item.source, sha256=sha, length=len(item.text),
                     meta=item.meta, added=now_iso(), removed_controls=item.removed_controls).to_record()
    old = changed.get(item.id) or existing.get(item.id)
    if old is None:
        changed[item.id] = record
        return AddResult(item.id, "added")
    if old.get("sha256") == sha:
        return AddResult(item.id, "unchanged")
    old_versions = old.get("old_versions") if isinstance(old.get("old_versions"), list) else []
    versions = [v for v in old_versions if v != sha] + ([old["sha256"]] if isinstance(old.get("sha256"), str) else [])
    record["old_versions"] = versions
    record["added"] = old.get("added", record["added"])
    changed[item.id] = record
    stale = claims.count((where("article_id") == item.id) & (where("text_sha256") != sha))
    return AddResult(item.id, "new version", stale)
