"""Derived counts kept in the state records: an annotator's claim count of an article and the
status it implies (``models.status_after_claims``)."""

from __future__ import annotations

from typing import Any, cast

from tinydb.table import Document, Table

from ..models import ArticleState, status_after_claims
from .db import FreshTable, match


def recount_many(claims: Table, states: Table, touched: dict[str, set[str]], stamp: str) -> None:
    """``recount`` for many articles of one bucket: one pass over each table, one update of the states."""
    counts: dict[tuple[str, str], int] = {}
    for doc in claims.all():
        aid = doc.get("article_id")
        if aid in touched:
            key = (aid, str(doc.get("annotator")))
            counts[key] = counts.get(key, 0) + 1
    found = {(d.get("article_id"), d.get("annotator")): d for d in states.all()}
    pairs: list[tuple[Document | None, dict[str, Any]]] = []
    for aid, annotators in touched.items():
        for annotator in annotators:
            n, old = counts.get((aid, annotator), 0), found.get((aid, annotator))
            status = status_after_claims(old.get("status", "todo") if old else "todo", n, old.get("labels") if old else None)
            if old is None:
                if n:
                    pairs.append((None, {**ArticleState(aid, annotator).to_record(), "n_claims": n, "status": status,
                                         "updated": stamp}))
            elif old.get("n_claims") != n or old.get("status") != status:
                pairs.append((old, {**old, "n_claims": n, "status": status, "updated": stamp}))
    if pairs:
        cast(FreshTable, states).put_many(pairs)


def recount(claims: Table, states: Table, article_id: str, annotators: set[str], stamp: str,
            create: bool = False) -> None:
    """Bring the claim count (and the status it implies) of each annotator's state of the article up
    to date with ``claims``; ``create``: write a state record even for no claims."""
    for annotator in annotators:
        cond = match(article_id=article_id, annotator=annotator)
        n = claims.count(cond)
        old = states.get(cond)
        status = status_after_claims(old.get("status", "todo") if old else "todo", n, old.get("labels") if old else None)
        if old is None:
            if n or create:
                states.insert({**ArticleState(article_id, annotator).to_record(), "n_claims": n, "status": status,
                               "updated": stamp})
        elif old.get("n_claims") != n or old.get("status") != status:
            states.update({"n_claims": n, "status": status, "updated": stamp}, doc_ids=[old.doc_id])
