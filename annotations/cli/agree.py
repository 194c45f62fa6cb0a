"""``claimtag agree``: the agreement figures (``metrics/report.py``) as rich tables, or ``--json``.

Each figure is printed with the number of units it compares, a warning under 30 units, and, when it
is not defined, the reason instead of a number. Names are user data: shown escaped, never as markup.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..bulk import collection_paused
from ..metrics.coefficients import ONE_CATEGORY, Agreement
from ..metrics.report import AgreementReport, agreement
from ..store import Store
from ..text.display import escaped
from .stats import shown


def _figure(a: Agreement) -> Text:
    if a.value is None:
        return Text(f"- ({a.reason})", style="dim")
    note = " (one category only)" if a.reason == ONE_CATEGORY else ""
    return Text(f"{a.value:.3f}{note}" + (" !" if a.warnings else ""), style="yellow" if a.warnings else "")


def _f1(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def agreement_tables(report: AgreementReport) -> list[Table]:
    spans = Table(title=f"1. Spans: pairwise F1 ({report.articles_compared} articles opened by 2+ annotators)")
    for col in ("pair", "articles", "exact F1", "overlap F1", "claims", "overlap F1 by type"):
        spans.add_column(col, justify="left" if col in ("pair", "overlap F1 by type") else "right")
    for p in report.spans:
        by_type = ", ".join(f"{t} {_f1(c.f1)}" for t, c in sorted(p.by_type.items()))
        spans.add_row(shown(" / ".join(p.pair)), str(p.articles), _f1(p.exact.f1), _f1(p.overlap.f1),
                      f"{p.overlap.n_a} / {p.overlap.n_b}", shown(by_type))
    if report.unitized is not None:
        u = report.unitized
        caption = Text(f"Krippendorff's unitized alpha (claim types as categories, {report.unitized_articles} "
                       "articles every annotator opened): ").append(_figure(u.overall))
        for t, a in sorted(u.by_category.items()):
            caption.append(f"; {escaped(t)} ").append(_figure(a))
        spans.caption = caption
    tables = [spans]
    for title, family in (("2. Labels of matched claims", report.claim_labels),
                          ("3. Article labels", report.article_labels)):
        table = Table(title=title)
        table.add_column("label")
        table.add_column("measure")
        table.add_column("value", justify="right")
        table.add_column("units", justify="right")
        for name, row in family.items():
            for key, a in row.items():
                measure = ("Fleiss' kappa" if key == "fleiss" else "Krippendorff's alpha" if key == "alpha"
                           else f"Cohen's kappa {key}")
                table.add_row(shown(name), shown(measure), _figure(a), str(a.n_units))
        if not family:
            table.caption = "nothing to compare"
        tables.append(table)
    return tables


def print_agreement(store: Store, annotators: Sequence[str] | None = None, as_json: bool = False,
                    console: Console | None = None) -> int:
    with collection_paused():
        report = agreement(store, annotators)
    console = console or Console()
    if as_json:
        console.file.write(json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n")
        return 0
    if len(report.annotators) < 2:
        console.print(Text("claimtag agree: no article was opened by two or more annotators: nothing to compare"))
        return 0
    for table in agreement_tables(report):
        console.print(table)
    console.print(Text(f"How counted: {report.treatment}. '!': fewer than 30 units.", style="dim"))
    return 0
