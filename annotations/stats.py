"""Progress per annotator and counts per claim type and stance, computed (``cli/stats.py`` draws them)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .store import Store


@dataclass
class StoreStats:
    n_articles: int
    status_by_annotator: dict[str, Counter[str]] = field(default_factory=dict)  # annotator -> status -> n
    claims_by_annotator: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    stances: Counter[str] = field(default_factory=Counter)
    type_stance: Counter[tuple[str, str]] = field(default_factory=Counter)  # (type, stance) -> n
    stale: int = 0


def compute_stats(store: Store, annotator: str | None = None) -> StoreStats:
    articles = store.articles()
    current = {a.id: a.sha256 for a in articles}
    stats = StoreStats(n_articles=len(articles))
    if annotator is not None:  # asked about by name: a row even before their first save
        stats.status_by_annotator[annotator] = Counter()
    for st in store.states(annotator):
        stats.status_by_annotator.setdefault(st.annotator, Counter())[st.status] += 1
    for claim in store.all_claims(annotator):
        stats.claims_by_annotator[claim.annotator] += 1
        stats.types[claim.type] += 1
        stats.stances[claim.stance] += 1
        stats.type_stance[(claim.type, claim.stance)] += 1
        if current.get(claim.article_id) != claim.text_sha256:
            stats.stale += 1
    for name, counts in stats.status_by_annotator.items():
        # articles this annotator never touched are still to do
        counts["todo"] += stats.n_articles - sum(counts.values())
    return stats
