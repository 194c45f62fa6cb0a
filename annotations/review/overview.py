"""The review list's rows: every article with its annotators and their statuses, its units, open
conflicts, an agreement figure and whether gold is done; filters and the sort by agreement.

The agreement figure of one article is the share of its units where every annotator made the same
claim (``units.py``): a plain, per-article number to sort by. The coefficients (kappa, alpha) are
``claimtag agree``'s, pooled over the store: per article they rest on too few units to mean much.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..models import GOLD, Article, ArticleState, Claim, Decision
from ..store import Store
from .decisions import is_open, match_decisions
from .layers import opened_by
from .units import ClaimUnit, units_of

FILTERS = ("all", "conflicts", "unreviewed")


@dataclass(frozen=True)
class ReviewRow:
    article: Article
    statuses: tuple[tuple[str, str], ...]  # (annotator, status) of those who opened it
    units: int
    unanimous: int
    open: int  # conflicts not decided, and decisions whose sources changed since
    gold_status: str

    @property
    def agreement(self) -> float | None:
        """Share of units all annotators agree on (None: fewer than two annotators, or no claim at all)."""
        if len(self.statuses) < 2 or not self.units:
            return None
        return self.unanimous / self.units


def open_units(units: Sequence[ClaimUnit], decisions: Sequence[Decision]) -> int:
    """Units in the conflict queue (``decisions.is_open``)."""
    decided = match_decisions(units, decisions)
    return sum(is_open(u, decided.get(i)) for i, u in enumerate(units))


def review_rows(store: Store) -> list[ReviewRow]:
    """A row per article (one pass over states, claims and decisions)."""
    states: dict[str, list[ArticleState]] = {}
    for s in store.states():
        states.setdefault(s.article_id, []).append(s)
    articles = store.articles()
    current = {a.id: a.sha256 for a in articles}
    claims: dict[str, dict[str, list[Claim]]] = {}
    for c in store.all_claims():
        if c.annotator != GOLD and current.get(c.article_id) == c.text_sha256:
            claims.setdefault(c.article_id, {}).setdefault(c.annotator, []).append(c)
    decisions: dict[str, list[Decision]] = {}
    for d in store.all_decisions():
        decisions.setdefault(d.article_id, []).append(d)
    rows = []
    for art in articles:
        st = states.get(art.id, [])
        who = opened_by(st)
        mine = claims.get(art.id, {})
        units = units_of({w: mine.get(w, []) for w in who}, who) if who else []
        gold = next((s.status for s in st if s.annotator == GOLD), "todo")
        status_of = {s.annotator: s.status for s in st}
        rows.append(ReviewRow(art, tuple((w, status_of[w]) for w in who), len(units),
                              sum(u.unanimous for u in units), open_units(units, decisions.get(art.id, [])), gold))
    return rows


def select_rows(rows: Sequence[ReviewRow], which: str = "all", by_agreement: bool = False) -> list[ReviewRow]:
    """``which``: ``all``, ``conflicts`` (open conflicts left), ``unreviewed`` (gold not done);
    ``by_agreement``: lowest agreement first (articles without a figure last)."""
    out = [r for r in rows if which == "all" or (which == "conflicts" and r.open)
           or (which == "unreviewed" and r.gold_status != "done" and r.statuses)]
    if by_agreement:
        out.sort(key=lambda r: (r.agreement is None, r.agreement or 0.0, r.article.id))
    return out
