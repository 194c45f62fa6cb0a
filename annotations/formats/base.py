"""What every format shares: the ``Format`` record a format module declares, and the units of export
(one per article, annotator and text version) that export formats turn into records."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

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
class ExportOptions:
    """What ``claimtag export`` was asked for beyond the format (each used by the formats it names)."""

    doccano_label: str = "type"  # doccano's label: "type" or "type:stance"
    span_label: str = "type"  # docbin span labels: "type" or "type:stance"
    misaligned: str = "expand"  # docbin, a span off spaCy's token boundaries: "expand" or "drop"
    lang: str = "en"  # docbin: spacy.blank(lang)
    seed: int = 0  # hf: the split of articles into train/validation/test
    config_out: Path | None = None  # labelstudio: write the labeling config here


@dataclass
class ExportContext:
    """One export: the store, the schema's label sets and claim vocabulary, the options, and what the
    formats noticed on the way (``said``: counts printed on stderr at the end, never silent)."""

    store: Store
    label_sets: tuple[str, ...] = ()
    schema: Any = None  # the Schema, when the command has one (labelstudio's config, brat's annotation.conf)
    options: ExportOptions = field(default_factory=ExportOptions)
    said: dict[str, int] = field(default_factory=dict)

    _links: dict[str, list[Any]] | None = None

    def links_of(self, claim_id: str) -> list[Any]:
        """The links (``models.Link``) touching a claim: read once per export."""
        if self._links is None:
            self._links = {}
            for link in self.store.all_links():
                for cid in {link.claim_id, link.other_claim_id}:
                    self._links.setdefault(cid, []).append(link)
        return self._links.get(claim_id, [])

    def note(self, what: str, n: int = 1) -> None:
        """Count something the user must hear about (overlapping spans doccano drops, spans moved to tokens)."""
        if n:
            self.said[what] = self.said.get(what, 0) + n


@dataclass(frozen=True)
class Format:
    """One interchange format: a module in this package that defines ``FORMAT = Format(...)``.

    - ``build(unit, text, ctx)``: the records of one unit (export); None if the format is import-only;
    - ``read(line)``: one parsed input record -> the import shape (``records.RawRecord`` keys), None for
      a record to skip; raises ``RefusedInput``; None if the format is export-only;
    - ``write_folder(records, sink, ctx)``: for folder formats, writes the records as files through a
      ``sinks.FolderSink`` (export ``-o`` names the folder); None for JSONL formats;
    - ``write_file(records, fh, ctx)``: for formats whose file is not JSONL (a JSON array, a DocBin),
      writes them to the binary file ``fh`` (atomic: ``sinks``); returns how many;
    - ``whole_file``: import reads the file as one JSON array of records, not as JSONL;
    - ``take(store, record, annotator)``: for records that are not one article's annotations (``pairs``),
      import puts each into the store itself; returns how many things it saved, raises ``RefusedInput``;
    - ``cannot_carry``: what the format loses, shown in ``--help``."""

    name: str
    help: str
    build: Callable[[Unit, str, ExportContext], list[Record]] | None = None
    read: Callable[[Record], Record | None] | None = None
    write_folder: Callable[[Iterable[Record], Any, ExportContext], int] | None = None
    write_file: Callable[[Iterable[Record], IO[bytes], ExportContext], int] | None = None
    whole_file: bool = False
    take: Callable[[Store, Record, str | None], int] | None = None
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


def every_label(u: Unit, ctx: ExportContext) -> dict[str, list[str]]:
    """The unit's article labels with every label set of the schema (a list, empty when unset), then any
    other set the store holds: every record has the same keys (a dataset's features do not change from
    file to file, so per-annotator exports concatenate)."""
    labels = {name: list(u.state.labels.get(name, [])) for name in ctx.label_sets}
    labels.update({k: list(v) for k, v in sorted(u.state.labels.items()) if k not in labels and v})
    return labels


SOURCE_KEY = "claimtag_source"  # in an exported article meta: the file the article came from


def article_meta(u: Unit) -> Record:
    """The article's meta as exported: never an empty object (Arrow cannot write an empty struct), with
    ``claimtag_source`` (the file the article came from) first; import takes it back out."""
    meta = dict(u.article.meta) if u.article else {}
    meta.pop(SOURCE_KEY, None)
    return {SOURCE_KEY: u.article.source if u.article else "", **meta}


CLAIM_FIELDS = ("id", "start", "end", "text", "type", "stance", "target", "note", "created", "updated")


def claim_record(c: Claim) -> Record:
    """A claim as the formats that carry all of it write it (``CLAIM_FIELDS``; ``text`` is the quote)."""
    return {"id": c.id, "start": c.start, "end": c.end, "text": c.quote, "type": c.type, "stance": c.stance,
            "target": c.target, "note": c.note, "created": c.created, "updated": c.updated}


def unit_meta(u: Unit, ctx: ExportContext) -> Record:
    """The ``meta`` of formats that keep claimtag's fields beside their own (prodigy, doccano)."""
    return {"doc_id": u.doc_id, "title": u.article.title if u.article else "", "annotator": u.annotator,
            "status": u.state.status, "labels": every_label(u, ctx), "text_sha256": u.sha, "stale": u.stale,
            "article_meta": article_meta(u)}


def from_meta(rec: Record, spans: list[Record]) -> Record:
    """The import shape of a record that keeps claimtag's fields in ``meta`` (as ``unit_meta`` writes them)."""
    from .records import obj

    meta = obj(rec.get("meta"), "meta")
    return {"doc_id": meta.get("doc_id", rec.get("doc_id", rec.get("id"))), "title": meta.get("title"),
            "meta": meta.get("article_meta"), "annotator": meta.get("annotator", rec.get("annotator")),
            "status": meta.get("status"), "labels": meta.get("labels"), "stale": meta.get("stale", False),
            "claims": spans}
