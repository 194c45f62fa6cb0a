"""JSONL export: ``claimtag export --format native|claims|spacy|doccano``.

One record a line, UTF-8 (not ASCII-escaped). Offsets are Python ``str`` indices into
the record's ``text``; every span is checked (``text[start:end]`` must equal the claim's
quote) before its record is written, and a mismatch stops the export (exit 2).

Records are written per (article, annotator, text version):
- ``native``: ``doc_id, title, text, text_sha256, meta, annotator, status, labels, stale,
  claims[{id, start, end, text, type, stance, target, note, created, updated}]``; an
  (article, annotator) pair is exported when the annotator has a state or claims for it.
- ``claims``: one line per claim: ``id, text`` (the quote), ``context`` (the sentences the
  claim overlaps, widened to contain the claim), ``context_start``, ``type, stance, target,
  doc_id, start, end, annotator, text_sha256, stale``.
- ``spacy``: Prodigy's span shape: ``text, tokens, spans, meta, _input_hash, _task_hash,
  answer``. A span's ``label`` is the claim type upper-cased (FACT / OPINION / PREDICTION):
  the label set a span model is trained on; ``type``, ``stance``, ``target`` and ``id``
  ride along as extra span keys, ``text`` is the quote. ``tokens`` come from
  ``tokens.tokenize``, which follows spaCy's English tokenizer rules (whitespace, prefixes,
  suffixes, infixes, common abbreviations and contractions); ``token_end`` is inclusive.
- ``doccano``: ``text, label: [[start, end, "TYPE"], ...], meta``; ``meta.claims`` carries
  each span's id, stance and target (same order as ``label``) so an import loses nothing.
``meta`` (spacy, doccano) holds ``doc_id, title, annotator, status, labels, text_sha256,
stale, article_meta``.

Stale claims (made on a text the article no longer has) fail the export (exit 1, each
listed on stderr) unless ``--allow-stale``; then they are written as records of the old
text with ``stale: true``, offsets exactly as made. Such records come before the current
ones of the same article, oldest text first, so an import rebuilds the version history.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .models import Article, ArticleState, Claim
from .normalize import strip_controls
from .storage import StoreError, fsync_dir
from .sentences import cached_sentence_spans
from .store import Store
from .tokens import tokenize

FORMATS = ("native", "claims", "spacy", "doccano")
PROGRESS_MIN = 200  # records before a progress bar is worth showing


class ExportError(StoreError):
    """A span that does not match its text: the export stops rather than write it."""


@dataclass
class Unit:
    """What one record (or, for ``claims``, one group of records) is made of."""

    doc_id: str
    annotator: str
    sha: str
    stale: bool
    article: Article | None
    state: ArticleState
    claims: list[Claim] = field(default_factory=list)


# -- choosing what to export ---------------------------------------------------------------

def select_units(store: Store, annotator: str | None = None, status: str | None = None) -> list[Unit]:
    """Every (article, annotator, text version) to export, in output order."""
    articles = {a.id: a for a in store.articles()}
    states = {(s.article_id, s.annotator): s for s in store.states(annotator)}
    claims: dict[tuple[str, str], list[Claim]] = {}
    for c in store.all_claims(annotator):
        claims.setdefault((c.article_id, c.annotator), []).append(c)
    units: list[Unit] = []
    for pair in sorted(set(states) | set(claims)):
        doc_id, who = pair
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
        u.claims.sort(key=lambda c: (c.start, c.end, c.created, c.id))
    units.sort(key=lambda u: (u.doc_id, _version_rank(u), u.annotator))
    return units


def _version_rank(u: Unit) -> tuple[int, int, str]:
    """Stale versions first, oldest first; the current text last."""
    if not u.stale:
        return (2, 0, "")
    olds = u.article.old_versions if u.article else ()
    return (1, olds.index(u.sha), "") if u.sha in olds else (0, 0, u.sha)


# -- record builders -----------------------------------------------------------------------

def check_span(text: str, claim: Claim) -> None:
    if not (0 <= claim.start < claim.end <= len(text)) or text[claim.start:claim.end] != claim.quote:
        raise ExportError(f"claim {claim.id} of {claim.article_id}: text[{claim.start}:{claim.end}] does not match "
                          "its quote; nothing more is written (run claimtag check)")


def _meta(u: Unit) -> dict[str, Any]:
    return {"doc_id": u.doc_id, "title": u.article.title if u.article else "", "annotator": u.annotator,
            "status": u.state.status, "labels": u.state.labels, "text_sha256": u.sha, "stale": u.stale,
            "article_meta": u.article.meta if u.article else {}}


def native_records(u: Unit, text: str, store: Store) -> list[dict[str, Any]]:
    claims = [{"id": c.id, "start": c.start, "end": c.end, "text": c.quote, "type": c.type, "stance": c.stance,
               "target": c.target, "note": c.note, "created": c.created, "updated": c.updated} for c in u.claims]
    return [{"doc_id": u.doc_id, "title": u.article.title if u.article else "", "text": text, "text_sha256": u.sha,
             "meta": u.article.meta if u.article else {}, "annotator": u.annotator, "status": u.state.status,
             "labels": u.state.labels, "stale": u.stale, "claims": claims}]


def claims_records(u: Unit, text: str, store: Store) -> list[dict[str, Any]]:
    if not u.claims:
        return []
    sents = cached_sentence_spans(store.root, u.sha, text)
    starts = [s for s, _ in sents]
    out = []
    for c in u.claims:
        lo, hi = c.start, c.end
        i = max(0, bisect_right(starts, c.start) - 1)
        while i < len(sents) and sents[i][0] < c.end:
            if sents[i][1] > c.start:
                lo, hi = min(lo, sents[i][0]), max(hi, sents[i][1])
            i += 1
        out.append({"id": c.id, "text": c.quote, "context": text[lo:hi], "context_start": lo, "type": c.type,
                    "stance": c.stance, "target": c.target, "doc_id": u.doc_id, "start": c.start, "end": c.end,
                    "annotator": u.annotator, "text_sha256": u.sha, "stale": u.stale})
    return out


def spacy_records(u: Unit, text: str, store: Store) -> list[dict[str, Any]]:
    toks = tokenize(text)
    tstarts = [s for s, _ in toks]
    spans = []
    for c in u.claims:
        first = max(0, bisect_right(tstarts, c.start) - 1)
        last = max(first, bisect_right(tstarts, c.end - 1) - 1)
        spans.append({"start": c.start, "end": c.end, "text": c.quote, "label": c.type.upper(),
                      "token_start": first, "token_end": last, "type": c.type, "stance": c.stance,
                      "target": c.target, "id": c.id})
    tokens = [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": text[e:e + 1] == " " and
               (i + 1 == len(toks) or toks[i + 1][0] > e)} for i, (s, e) in enumerate(toks)]
    input_hash = hash32(text)
    task_key = [input_hash, u.annotator, [(s["start"], s["end"], s["label"], s["stance"], s["target"]) for s in spans]]
    return [{"text": text, "tokens": tokens, "spans": spans, "meta": _meta(u), "_input_hash": input_hash,
             "_task_hash": hash32(json.dumps(task_key, ensure_ascii=False)), "answer": "accept"}]


def doccano_records(u: Unit, text: str, store: Store) -> list[dict[str, Any]]:
    meta = _meta(u)
    meta["claims"] = [{"id": c.id, "start": c.start, "end": c.end, "type": c.type, "stance": c.stance,
                       "target": c.target} for c in u.claims]
    return [{"text": text, "label": [[c.start, c.end, c.type.upper()] for c in u.claims], "meta": meta}]


BUILDERS = {"native": native_records, "claims": claims_records, "spacy": spacy_records, "doccano": doccano_records}


def hash32(s: str) -> int:
    """A stable signed 32-bit hash (Prodigy's ``_input_hash`` / ``_task_hash`` are signed 32-bit ints)."""
    return int.from_bytes(hashlib.sha256(s.encode("utf-8")).digest()[:4], "big", signed=True)


def records(store: Store, units: Iterable[Unit], fmt: str) -> Iterator[dict[str, Any]]:
    build = BUILDERS[fmt]
    for u in units:
        text = store.text(u.sha)
        for c in u.claims:
            check_span(text, c)
        yield from build(u, text, store)


# -- the command -----------------------------------------------------------------------------

def stale_lines(units: Iterable[Unit]) -> list[str]:
    lines = []
    for u in units:
        if u.stale:
            for c in u.claims:
                quote = strip_controls(c.quote)
                quote = quote if len(quote) <= 60 else quote[:57] + "..."
                lines.append(f"stale: {u.doc_id} claim {c.id} ({u.annotator}): \"{quote}\"")
    return lines


def write_jsonl(recs: Iterable[dict[str, Any]], out: TextIO) -> int:
    n = 0
    for rec in recs:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


def _progress(units: list[Unit], err: TextIO) -> Iterable[Unit]:
    if len(units) < PROGRESS_MIN or not err.isatty():
        return units
    from rich.console import Console
    from rich.progress import track

    return track(units, description="exporting", console=Console(file=err), transient=True)


def run_export(store: Store, args, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``claimtag export``: 0 written, 1 stale claims (not written), 2 a problem with the store or output."""
    err = err or sys.stderr
    fmt = getattr(args, "format", "native") or "native"
    try:
        units = select_units(store, getattr(args, "annotator", None), getattr(args, "status", None))
    except StoreError as exc:
        print(f"claimtag export: {exc}", file=err)
        return 2
    stale = stale_lines(units)
    if stale and not getattr(args, "allow_stale", False):
        for line in stale:
            print(line, file=err)
        print(f"claimtag export: {len(stale)} claim(s) were made on an older text of their article; nothing "
              "written (review them, or pass --allow-stale to export them as records of that text)", file=err)
        return 1
    output: Path | None = getattr(args, "output", None)
    try:
        if output is None:
            n = _write_stdout(records(store, _progress(units, err), fmt), out)
        else:
            n = _write_file(Path(output), records(store, _progress(units, err), fmt))
    except StoreError as exc:
        print(f"claimtag export: {exc}", file=err)
        return 2
    except BrokenPipeError:  # `claimtag export | head`: the reader has what it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(f"claimtag export: cannot write {output}: {exc.strerror or exc}", file=err)
        return 2
    if output is not None:
        print(f"claimtag export: {n} {fmt} record(s) written to {output}", file=err)
    return 0


def _write_stdout(recs: Iterable[dict[str, Any]], out: TextIO | None) -> int:
    """UTF-8 whatever the locale says (stdout's own encoding may be ASCII)."""
    if out is not None:
        n = write_jsonl(recs, out)
        out.flush()
        return n
    import io

    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        return _write_stdout(recs, sys.stdout)
    sys.stdout.flush()
    wrapper = io.TextIOWrapper(buffer, encoding="utf-8", newline="\n")
    try:
        n = write_jsonl(recs, wrapper)
        wrapper.flush()
    finally:
        wrapper.detach()  # leave sys.stdout's buffer open
    return n


def _write_file(path: Path, recs: Iterable[dict[str, Any]]) -> int:
    """Stream to a temp file beside ``path``, fsync, then replace: ``path`` is old or complete, never partial."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            n = write_jsonl(recs, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(folder)
    return n
