"""What every format shares: the ``Format`` record a format module declares, and the units of export
(one per article, annotator and text version) that export formats turn into records."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import ExportError
from ..models import Article, ArticleState, Claim, claim_order, span_problem
from ..store import Store, bucket_of

Record = dict[str, Any]


@dataclass
class Unit:
    """What one exported record (or, for ``claims``, one group of records) is made of."""

    doc_id: str
    annotator: str
    sha: str
    stale: bool
    article: Article | None
    state: ArticleState
    claims: list[Claim] = field(default_factory=list)


@dataclass(frozen=True)
class Format:
    """One interchange format: a module in this package that defines ``FORMAT = Format(...)``.

    - ``build(unit, text, store)``: the records of one unit (export); None if the format is import-only;
    - ``read(line)``: one parsed input record -> the import shape (``records.RawRecord`` keys), None for
      a record to skip; raises ``RefusedInput``; None if the format is export-only;
    - ``write_folder(records, sink)``: for folder formats, writes the records as files through a
      ``sinks.FolderSink`` (export ``-o`` names the folder); None for JSONL formats;
    - ``cannot_carry``: what the format loses, shown in ``--help``."""

    name: str
    help: str
    build: Callable[[Unit, str, Store], list[Record]] | None = None
    read: Callable[[Record], Record | None] | None = None
    write_folder: Callable[[Iterable[Record], Any], int] | None = None
    aliases: tuple[str, ...] = ()
    cannot_carry: str = ""


# -- choosing what to export ---------------------------------------------------------------

def select_units(store: Store, annotator: str | None = None, status: str | None = None) -> list[Unit]:
    """Every (article, annotator, text version) to export, in output order."""
    articles = {a.id: a for a in store.articles()}
    states = {(s.article_id, s.annotator): s for s in store.states(annotator)}
    claims: dict[tuple[str, str], list[Claim]] = {}
    for c in store.all_claims(annotator):
        claims.setdefault((c.article_id, c.annotator), []).append(c)
    unreadable = set(store.skipped)  # an article in an unreadable bucket is left out (named), not "stale"
    units: list[Unit] = []
    for pair in sorted(set(states) | set(claims)):
        doc_id, who = pair
        if doc_id not in articles and ({f"corpus/{bucket_of(doc_id)}.json", f"corpus record {doc_id}"} & unreadable):
            continue
        state = states.get(pair) or ArticleState(doc_id, who)
        if status is not None and state.status != status:
            continue
        article = articles.get(doc_id)
        by_sha: dict[str, list[Claim]] = {}
        for c in claims.get(pair, []):
            by_sha.setdefault(c.text_sha256, []).append(c)
        if article is not None:
            units.append(Unit(doc_id, who, article.sha256, False, article, state, by_sha.pop(article.sha256, [])))
        for sha, group in by_sha.items():
            units.append(Unit(doc_id, who, sha, True, article, state, group))
    for u in units:
        u.claims.sort(key=claim_order)
    units.sort(key=lambda u: (u.doc_id, _version_rank(u), u.annotator))
    return units


def _version_rank(u: Unit) -> tuple[int, int, str]:
    """Stale versions first, oldest first; the current text last."""
    if not u.stale:
        return (2, 0, "")
    olds = u.article.old_versions if u.article else ()
    return (1, olds.index(u.sha), "") if u.sha in olds else (0, 0, u.sha)


def check_span(text: str, claim: Claim) -> None:
    if span_problem(text, claim.start, claim.end, claim.quote):
        raise ExportError(f"claim {claim.id} of {claim.article_id}: text[{claim.start}:{claim.end}] does not match "
                          "its quote; nothing more is written (run claimtag check)")


def unit_meta(u: Unit) -> Record:
    """The ``meta`` of formats that keep claimtag's fields beside their own (spacy, doccano)."""
    return {"doc_id": u.doc_id, "title": u.article.title if u.article else "", "annotator": u.annotator,
            "status": u.state.status, "labels": u.state.labels, "text_sha256": u.sha, "stale": u.stale,
            "article_meta": u.article.meta if u.article else {}}


def from_meta(rec: Record, spans: list[Record]) -> Record:
    """The import shape of a record that keeps claimtag's fields in ``meta`` (as ``unit_meta`` writes them)."""
    from .records import obj

    meta = obj(rec.get("meta"), "meta")
    return {"doc_id": meta.get("doc_id", rec.get("doc_id", rec.get("id"))), "title": meta.get("title"),
            "meta": meta.get("article_meta"), "annotator": meta.get("annotator", rec.get("annotator")),
            "status": meta.get("status"), "labels": meta.get("labels"), "stale": meta.get("stale", False),
            "claims": spans}
