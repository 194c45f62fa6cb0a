"""``claimtag stats`` drawn as rich tables (``annotations/stats.py`` computes them).

Names (annotators, labels) are user data: they go into tables as ``Text``, never as markup, and
control characters in them are shown as escapes (an imported name must not drive the terminal).
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..models import STATUSES
from ..schema import Schema
from ..stats import StoreStats, compute_stats
from ..store import Store
from ..text.display import escaped


def shown(name: str) -> Text:
    """A user-supplied name as plain text: no markup, control characters as visible escapes."""
    return Text(escaped(name))


def stats_tables(stats: StoreStats, schema: Schema | None = None) -> list[Table]:
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
    by_type = Table(title="Claims by type and stance")
    by_type.add_column("type")
    for s in stances:
        by_type.add_column(shown(s), justify="right")
    by_type.add_column("total", justify="right")
    for t in types:
        by_type.add_row(shown(t), *(str(stats.type_stance[(t, s)]) for s in stances), str(stats.types[t]))
    by_type.add_row("total", *(str(stats.stances[s]) for s in stances), str(sum(stats.types.values())),
                   style="bold")
    return [progress, by_type]


def print_stats(store: Store, annotator: str | None = None, schema: Schema | None = None,
                console: Console | None = None) -> None:
    console = console or Console()
    stats = compute_stats(store, annotator)
    for table in stats_tables(stats, schema):
        console.print(table)
    if stats.stale:
        one = stats.stale == 1
        console.print(f"[yellow]{stats.stale} {'claim was' if one else 'claims were'} made on an older text of "
                      f"{'its' if one else 'their'} article and {'needs' if one else 'need'} review[/]")
