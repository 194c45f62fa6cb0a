"""Derived counts kept in the state records: an annotator's claim count of an article and the
status it implies (``models.status_after_claims``)."""

from __future__ import annotations

from tinydb.table import Table

from ..models import ArticleState, status_after_claims
from .db import match


def recount(claims: Table, states: Table, article_id: str, annotators: set[str], stamp: str,
            create: bool = False) -> None:
    """Bring the claim count (and the status it implies) of each annotator's state of the article up
    to date with ``claims``; ``create``: write a state record even for no claims."""
    for annotator in annotators:
        cond = match(article_id=article_id, annotator=annotator)
        n = claims.count(cond)
        old = states.get(cond)
        status = status_after_claims(old.get("status", "todo") if old else "todo", n)
        if old is None:
            if n or create:
                states.insert({**ArticleState(article_id, annotator).to_record(), "n_claims": n, "status": status,
                               "updated": stamp})
        elif old.get("n_claims") != n or old.get("status") != status:
            states.update({"n_claims": n, "status": status, "updated": stamp}, doc_ids=[old.doc_id])
