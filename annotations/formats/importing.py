"""JSONL import: ``claimtag import FILE --format NAME [--annotator NAME]`` (any format with ``read``).

Reads what export writes (and what Prodigy / spaCy / doccano write in the same shapes).

Articles: a record's ``text`` is attached to the article ``doc_id`` (native), ``meta.doc_id``
(spacy, doccano), else ``id``, else ``imported-<sha256[:12]>``. An article the store lacks is
added (title from the record, else its first line). Its versions are rebuilt: texts of
``stale`` records first, in file order, the non-stale text last (current). For an article the
store has, a non-stale record must carry its current text and a stale one a text the store
knows; anything else is refused (add the new text with ``claimtag add`` first). The text must
already be normalised (``text.normalize.normalize_text``): if normalising would change a text that
carries spans, the record is refused, since every offset after the change would shift.

Claims: offsets in range, ``text`` / quote (if given) equal to ``text[start:end]``, type and
stance known to the schema (when one is given). A record's claim ``id`` is kept, so importing
the same file again changes nothing; a span without one gets an id derived from the document,
annotator, text, offsets and label (stable too). Claims already in the store and absent from
the file are kept. Times (``created``, ``updated``) are kept when the record has them.

spacy / doccano spans: ``label`` is the claim type (matched case-insensitively; the span's
``type`` key wins if present). ``stance`` and ``target`` come from the span's extra keys
(doccano: ``meta.claims``, as ``export`` writes them). A span without a stance gets
``neutral`` (the default schema's "no position" value, which the annotator then reviews; the
importer reports how many); without a target, the schema's default target. Prodigy records
whose ``answer`` is ``reject`` or ``ignore`` are skipped.

Annotator: the record's own (native ``annotator``; ``meta.annotator``), else ``--annotator``.
Status and article labels (``status``, ``labels``; in ``meta`` for spacy/doccano) are set
when present. A bad line is refused as a whole with one line ``FILE:LINE: reason`` on stderr;
the other lines are imported; the exit status is 1 if any line was refused.

Reading one line is the format's ``read``, validating it ``records.py``; this module is the command:
the file, the articles it adds and the claims it saves.
"""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from ..errors import RefusedInput, StoreError
from ..models import Claim, NewArticle, StateChange
from ..progress import progress_bar
from ..schema import Schema
from ..store import Store
from ..text.display import escaped
from ..text.titles import first_line
from .base import SOURCE_KEY
from .records import DEFAULT_STANCE, Record, check_labels, make_claims, to_record

# -- the command ------------------------------------------------------------------------------

@dataclass
class Outcome:
    records: int = 0
    articles_added: int = 0
    claims_saved: int = 0
    skipped: int = 0
    defaulted_stance: int = 0
    refused: list[str] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)  # imported, with something to say (never silent)


def _entries(path: Path, fmt: str, out: Outcome) -> Iterator[tuple[str, int, Any]]:
    """(where, number, parsed JSON) of each input record: a line of JSONL, or an element of the JSON array
    a ``whole_file`` format (Label Studio) reads. What does not parse is refused here, with its place."""
    from . import registry

    if registry.get(fmt).whole_file:
        try:
            raw = open(path, "rb").read().decode("utf-8").removeprefix("\ufeff")
            data = json.loads(raw)
        except UnicodeDecodeError:
            out.refused.append(f"{path}: not UTF-8 text")
            return
        except json.JSONDecodeError as exc:
            out.refused.append(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno})")
            return
        except RecursionError:
            out.refused.append(f"{path}: not valid JSON (nested too deeply)")
            return
        if not isinstance(data, list):
            out.refused.append(f"{path}: not a JSON array of tasks (Label Studio's export is one)")
            return
        for no, item in enumerate(data, 1):
            yield f"{path}: task {no}", no, item
        return
    with open(path, "rb") as fh:
        for no, raw_line in enumerate(fh, 1):
            where = f"{path}:{no}"
            try:
                line = raw_line.decode("utf-8")
            except UnicodeDecodeError:
                out.refused.append(f"{where}: not UTF-8 text")
                continue
            if no == 1:
                line = line.removeprefix("\ufeff")
            if not line.strip():
                continue
            try:
                yield where, no, json.loads(line)
            except json.JSONDecodeError as exc:
                out.refused.append(f"{where}: not valid JSON ({exc.msg}, column {exc.colno})")
            except RecursionError:
                out.refused.append(f"{where}: not valid JSON (nested too deeply)")


def read_lines(path: Path, fmt: str, annotator: str | None, schema: Schema | None, out: Outcome) -> list[Record]:
    recs = []
    for where, no, parsed in _entries(path, fmt, out):
        try:
            rec = to_record(parsed, fmt, no, annotator)
            if rec is not None:
                check_labels(rec.labels, schema)
                rec.made, rec.defaulted = make_claims(rec, schema)
        except RecursionError:
            out.refused.append(f"{where}: nested too deeply")
            continue
        except RefusedInput as exc:
            out.refused.append(f"{where}: {exc}")
            continue
        if rec is None or rec.skip:
            out.skipped += 1
        if rec is not None:
            recs.append(rec)
            if rec.report:
                out.reports.append(f"{where}: {rec.report}")
    return recs


def add_missing_articles(store: Store, recs: list[Record], path: Path, out: Outcome,
                         progress: Callable[[int], None] | None = None) -> list[Record]:
    """Add the articles the store lacks (old versions first); drop records whose text does not fit."""
    docs: dict[str, list[Record]] = {}
    for r in recs:
        docs.setdefault(r.doc_id, []).append(r)
    rounds: list[list[NewArticle]] = []
    keep: set[int] = set()
    stored = {a.id: a for a in store.articles()}  # one scan, not one bucket read per document
    for doc_id, group in docs.items():
        article = stored.get(doc_id)
        if article is not None:
            known = {article.sha256, *article.old_versions}
            for r in group:
                if r.stale and r.sha not in known:
                    out.refused.append(f"{path}:{r.line}: stale record of {doc_id}: the store has no such older text")
                elif not r.stale and r.sha != article.sha256:
                    out.refused.append(f"{path}:{r.line}: the text differs from article {doc_id} in the store "
                                       "(add the new version with claimtag add first)")
                else:
                    keep.add(id(r))
            continue
        current = next((r for r in group if not r.stale), None)
        versions: dict[str, Record] = {}
        for r in group:
            if r.stale and (current is None or r.sha != current.sha):
                versions.setdefault(r.sha, r)
        if current is not None:
            versions.pop(current.sha, None)
            versions[current.sha] = current
        for r in group:
            if (r.sha in versions) if r.stale else (current is not None and r.sha == current.sha):
                keep.add(id(r))
            else:
                out.refused.append(f"{path}:{r.line}: the text differs from the one line {current.line if current else '?'} gives "
                                   f"article {doc_id}")
        for k, r in enumerate(versions.values()):
            title = r.title if r.title is not None else first_line(r.text) or doc_id
            if len(rounds) <= k:
                rounds.append([])
            meta = dict(r.meta or {})
            source = meta.pop(SOURCE_KEY, None)  # export puts the article's source file there (base.article_meta)
            rounds[k].append(NewArticle(doc_id, title, source if isinstance(source, str) and source else str(path),
                                        r.text, meta))
    for batch in rounds:  # each round adds one more version of the articles that have it
        out.articles_added += sum(res.outcome == "added" for res in store.add_articles(batch, actor="import",
                                                                                       progress=progress))
    return [r for r in recs if id(r) in keep]


def import_records(store: Store, recs: list[Record], path: Path, out: Outcome,
                   progress: Callable[[int], None] | None = None) -> None:
    """Check every record against the store as it is (a claim id is unique in the whole store, not
    only in its article's bucket), then save what changed: one change per bucket (``Store.save_many``)."""
    by_id = {c.id: c for c in store.all_claims()}
    claims: list[Claim] = []
    states: list[StateChange] = []
    for r in recs:
        todo: list[Claim] = []
        try:
            for c in r.made:
                old = by_id.get(c.id)
                if old is not None and (old.annotator, old.article_id) != (c.annotator, c.article_id):
                    raise RefusedInput(f"claim id {c.id} belongs to {old.annotator}'s claim of article "
                                       f"{old.article_id} in the store")
            for c in r.made:
                old = by_id.get(c.id)
                if old is not None and c.id in r.absent:
                    c = replace(c, **{f: getattr(old, f) for f in r.absent[c.id]})
                if old is not None and _same(old, c):
                    continue
                todo.append(c)
        except RefusedInput as exc:
            out.refused.append(f"{path}:{r.line}: {exc}")
            continue
        for c in todo:
            by_id[c.id] = c
        claims += todo
        if r.status is not None or r.labels is not None:
            states.append(StateChange(r.doc_id, r.annotator, r.status, r.labels))
        out.records += not r.skip
        out.defaulted_stance += r.defaulted
    store.save_many(claims, states, keep_times=True, progress=progress)
    out.claims_saved += len(claims)


def _same(a: Claim, b: Claim) -> bool:
    skip = ("created", "updated")
    return all(getattr(a, f) == getattr(b, f) for f in Claim.__dataclass_fields__ if f not in skip) and \
        (not b.updated or a.updated == b.updated)


def run_import(store: Store, args: Namespace, schema: Schema | None = None, err: IO[str] | None = None,
               articles_added: Callable[[Store], None] | None = None) -> int:
    """``claimtag import``: 0 all imported, 1 some lines refused, 2 the file cannot be read or the store
    cannot be written (what was written before stays). ``articles_added`` is called when the import
    added articles (the CLI counts their terms for "articles most like this one")."""
    from . import registry

    err = err or sys.stderr
    path = Path(args.file)
    fmt = getattr(args, "format", "native") or "native"
    annotator = getattr(args, "annotator", None)
    out = Outcome()
    take = registry.get(fmt).take
    try:
        if take is not None:
            summary = _take_each(store, path, fmt, take, annotator, out)
        else:
            summary = _import_file(store, path, fmt, annotator, schema, out, err)
    except IsADirectoryError:
        print(f"claimtag import: {escaped(str(path))} is a folder, not a JSONL file", file=err)
        return 2
    except StoreError as exc:  # the store cannot be written (read-only, full disk, locked): not the input's fault
        for line in out.refused:
            print(escaped(line), file=err)
        print(f"claimtag import: {escaped(str(exc))}; nothing of {escaped(str(path))} after that was saved",
              file=err)
        return 2
    except OSError as exc:  # the store's own write errors are StoreErrors: this is the input file
        print(f"claimtag import: cannot read {escaped(str(path))}: {exc.strerror or exc}", file=err)
        return 2
    if out.articles_added and articles_added is not None:
        articles_added(store)
    for line in out.reports + out.refused:
        print(escaped(line), file=err)  # a refusal may quote what the file held
    note = f"; {out.defaulted_stance} span(s) had no stance: set to {DEFAULT_STANCE!r}" if out.defaulted_stance else ""
    print(f"claimtag import: {summary}, {len(out.refused)} refused{note}", file=err)
    return 1 if out.refused else 0


def _import_file(store: Store, path: Path, fmt: str, annotator: str | None, schema: Schema | None, out: Outcome,
                 err: IO[str]) -> str:
    """Records of one article's annotations each: read and checked whole first, then saved; says what."""
    recs = read_lines(path, fmt, annotator, schema, out)
    total = len(recs) + sum(len(r.made) + (r.status is not None or r.labels is not None) for r in recs)
    with progress_bar(err, "importing", total) as advance:
        added = [0]

        def article_added(n: int) -> None:
            added[0] += n
            advance(n)

        n_recs = len(recs)
        recs = add_missing_articles(store, recs, path, out, article_added)
        advance(n_recs - added[0])  # the records whose article the store had
        import_records(store, recs, path, out, advance)
    skipped = f", {out.skipped} rejected/ignored skipped" if out.skipped else ""
    return f"{out.records} record(s) imported ({out.articles_added} article(s) added, {out.claims_saved} claim(s) saved){skipped}"


def _take_each(store: Store, path: Path, fmt: str, take: Callable[[Store, Any, str | None], int],
               annotator: str | None, out: Outcome) -> str:
    """A format whose records the format puts into the store itself (``Format.take``): each line taken or
    refused with its place, the others kept; says what."""
    saved = 0
    for where, _, parsed in _entries(path, fmt, out):
        try:
            saved += take(store, parsed, annotator)
            out.records += 1
        except RefusedInput as exc:
            out.refused.append(f"{where}: {exc}")
    return f"{out.records} record(s) imported ({saved} thing(s) saved)"
