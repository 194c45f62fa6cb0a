"""`claimtag stats`: progress per annotator and counts per claim type and stance, as rich tables.

Names (annotators, labels) are user data: they go into tables as ``Text``, never as markup, and
control characters in them are shown as escapes (an imported name must not drive the terminal).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .models import STATUSES
from .store import Store


@dataclass
class StoreStats:
    n_articles: int
    status_by_annotator: dict[str, Counter] = field(default_factory=dict)  # annotator -> status -> n
    claims_by_annotator: Counter = field(default_factory=Counter)
    types: Counter = field(default_factory=Counter)
    stances: Counter = field(default_factory=Counter)
    type_stance: Counter = field(default_factory=Counter)  # (type, stance) -> n
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


def shown(name: str) -> Text:
    """A user-supplied name as plain text: no markup, control characters as visible escapes."""
    return Text("".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in name))


def stats_tables(stats: StoreStats, schema=None) -> list[Table]:
    progress = Table(title=f"Progress ({stats.n_articles} articles)",
                     caption=None if stats.status_by_annotator else "no annotator has saved anything yet")
    progress.add_column("annotator")
    for status in STATUSES:
        progress.add_column(status, justify="right")
    progress.add_column("claims", justify="right")
    progress.add_column("done %", justify="right")
    for name in sorted(stats.status_by_annotator):
        counts = stats.status_by_annotator[name]
        pct = 100 * counts["done"] / stats.n_articles if stats.n_articles else 0.0
        progress.add_row(shown(name), *(str(counts[s]) for s in STATUSES),
                         str(stats.claims_by_annotator[name]), f"{pct:.0f}%")

    types = [c.name for c in schema.claim_types] if schema else sorted(stats.types)
    stances = [s.name for s in schema.stances] if schema else sorted(stats.stances)
    types += sorted(set(stats.types) - set(types))
    stances += sorted(set(stats.stances) - set(stances))
    counts = Table(title="Claims by type and stance")
    counts.add_column("type")
    for s in stances:
        counts.add_column(shown(s), justify="right")
    counts.add_column("total", justify="right")
    for t in types:
        counts.add_row(shown(t), *(str(stats.type_stance[(t, s)]) for s in stances), str(stats.types[t]))
    counts.add_row("total", *(str(stats.stances[s]) for s in stances), str(sum(stats.types.values())),
                   style="bold")
    return [progress, counts]


def print_stats(store: Store, annotator: str | None = None, schema=None, console: Console | None = None) -> None:
    console = console or Console()
    stats = compute_stats(store, annotator)
    for table in stats_tables(stats, schema):
        console.print(table)
    if stats.stale:
        one = stats.stale == 1
        console.print(f"[yellow]{stats.stale} {'claim was' if one else 'claims were'} made on an older text of "
                      f"{'its' if one else 'their'} article and {'needs' if one else 'need'} review[/]")
