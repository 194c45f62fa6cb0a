"""JSONL import: ``claimtag import FILE --format native|spacy|doccano [--annotator NAME]``.

Reads what ``export.py`` writes (and what Prodigy / spaCy / doccano write in the same shapes).

Articles: a record's ``text`` is attached to the article ``doc_id`` (native), ``meta.doc_id``
(spacy, doccano), else ``id``, else ``imported-<sha256[:12]>``. An article the store lacks is
added (title from the record, else its first line). Its versions are rebuilt: texts of
``stale`` records first, in file order, the non-stale text last (current). For an article the
store has, a non-stale record must carry its current text and a stale one a text the store
knows; anything else is refused (add the new text with ``claimtag add`` first). The text must
already be normalised (``normalize.normalize_text``): if normalising would change a text that
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
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from .models import STATUSES, Claim
from .normalize import normalize_text, sha256_text
from .storage import StoreError
from .store import NewArticle, Store

DEFAULT_STANCE = "neutral"


class Refused(Exception):
    """One line cannot be imported; ``str(e)`` is the reason."""


@dataclass
class Record:
    line: int
    text: str
    doc_id: str
    title: str | None
    meta: dict[str, Any] | None
    annotator: str
    status: str | None
    labels: dict[str, list[str]] | None
    stale: bool
    claims: list[dict[str, Any]] = field(default_factory=list)
    made: list[Claim] = field(default_factory=list)  # the claims, validated
    defaulted: int = 0  # spans that got the default stance
    absent: dict[str, tuple[str, ...]] = field(default_factory=dict)  # claim id -> fields the record lacks

    @property
    def sha(self) -> str:
        return sha256_text(self.text)


# -- reading each format into one shape ------------------------------------------------------

def _obj(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Refused(f"{what} is not a JSON object")
    return value


def _raw_native(rec: dict[str, Any]) -> dict[str, Any]:
    claims = rec.get("claims", [])
    if not isinstance(claims, list):
        raise Refused("claims is not a list")
    return {"doc_id": rec.get("doc_id", rec.get("id")), "title": rec.get("title"), "meta": rec.get("meta"),
            "annotator": rec.get("annotator"), "status": rec.get("status"), "labels": rec.get("labels"),
            "stale": rec.get("stale", False), "claims": claims}


def _from_meta(rec: dict[str, Any], spans: list[dict[str, Any]]) -> dict[str, Any]:
    meta = _obj(rec.get("meta"), "meta")
    return {"doc_id": meta.get("doc_id", rec.get("doc_id", rec.get("id"))), "title": meta.get("title"),
            "meta": meta.get("article_meta"), "annotator": meta.get("annotator", rec.get("annotator")),
            "status": meta.get("status"), "labels": meta.get("labels"), "stale": meta.get("stale", False),
            "claims": spans}


def _raw_spacy(rec: dict[str, Any]) -> dict[str, Any] | None:
    if rec.get("answer") in ("reject", "ignore"):
        return None
    spans = rec.get("spans", [])
    if not isinstance(spans, list) or not all(isinstance(s, dict) for s in spans):
        raise Refused("spans is not a list of objects")
    return _from_meta(rec, [{**s, "type": s.get("type", _label_type(s.get("label")))} for s in spans])


def _label_type(label: Any) -> Any:
    return label.lower() if isinstance(label, str) else label


def _raw_doccano(rec: dict[str, Any]) -> dict[str, Any]:
    spans: list[dict[str, Any]] = []
    if "entities" in rec:  # doccano >= 1.6
        ents = rec["entities"]
        if not isinstance(ents, list) or not all(isinstance(e, dict) for e in ents):
            raise Refused("entities is not a list of objects")
        spans = [{"start": e.get("start_offset"), "end": e.get("end_offset"), "label": e.get("label")} for e in ents]
    else:
        labels = rec.get("label", [])
        if not isinstance(labels, list):
            raise Refused("label is not a list of [start, end, LABEL]")
        for item in labels:
            if not (isinstance(item, list) and len(item) == 3):
                raise Refused(f"label entry {json.dumps(item, ensure_ascii=False)[:40]} is not [start, end, LABEL]")
            spans.append({"start": item[0], "end": item[1], "label": item[2]})
    extra = _obj(rec.get("meta"), "meta").get("claims")
    if isinstance(extra, list) and len(extra) == len(spans):
        for span, more in zip(spans, extra):  # the keys export puts beside doccano's triples
            if isinstance(more, dict) and (more.get("start"), more.get("end")) == (span["start"], span["end"]):
                span.update({k: more[k] for k in ("id", "type", "stance", "target") if k in more})
    for span in spans:
        span.setdefault("type", _label_type(span["label"]))
    return _from_meta(rec, spans)


READERS = {"native": _raw_native, "spacy": _raw_spacy, "doccano": _raw_doccano}


# -- validation ---------------------------------------------------------------------------------

def _names(choices) -> list[str]:
    return [getattr(c, "name", c) for c in choices]


def _str_or_none(value: Any, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise Refused(f"{what} is not a string")


def to_record(rec: Any, fmt: str, line: int, annotator: str | None) -> Record | None:
    """One parsed JSON line as a Record (None: a line to skip), or raise Refused."""
    if not isinstance(rec, dict):
        raise Refused("not a JSON object")
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise Refused("no text (a non-empty string \"text\" is required)")
    raw = READERS[fmt](rec)
    if raw is None:
        return None
    norm, _ = normalize_text(text)
    if norm != text:
        if raw["claims"]:
            raise Refused("text is not normalised (BOM, CR line ends, control characters or not NFC): "
                          "its offsets would shift; normalise it before annotating")
        text = norm
    given_sha = rec.get("text_sha256", _obj(rec.get("meta"), "meta").get("text_sha256") if fmt != "native" else None)
    if given_sha is not None and given_sha != sha256_text(text):
        raise Refused("text_sha256 does not match the text")
    doc_id = raw["doc_id"]
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    doc_id = _str_or_none(doc_id, "doc_id")
    if doc_id is not None and not doc_id.strip():
        raise Refused("doc_id is empty")
    who = _str_or_none(raw["annotator"], "annotator") or annotator
    if not who:
        raise Refused("no annotator (the record names none: pass --annotator NAME)")
    status = _str_or_none(raw["status"], "status")
    if status is not None and status not in STATUSES:
        raise Refused(f"unknown status {status!r} (known: {', '.join(STATUSES)})")
    labels = raw["labels"]
    if labels is not None and not (isinstance(labels, dict) and all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in labels.values())):
        raise Refused("labels is not an object of lists of strings")
    if not isinstance(raw["stale"], bool):
        raise Refused("stale is not true/false")
    meta = raw["meta"]
    if meta is not None and not isinstance(meta, dict):
        raise Refused("meta is not a JSON object")
    return Record(line, text, doc_id or f"imported-{sha256_text(text)[:12]}", _str_or_none(raw["title"], "title"),
                  meta, who, status, labels, raw["stale"], list(raw["claims"]))


def check_labels(labels: dict[str, list[str]] | None, schema) -> None:
    sets = getattr(schema, "label_sets", None)
    if labels is None or not sets:
        return
    known = {s.name: s for s in sets}
    for name, values in labels.items():
        ls = known.get(name)
        if ls is None:
            raise Refused(f"unknown article label {name!r} (known: {', '.join(known)})")
        names = _names(ls.values)
        for v in values:
            if v not in names:
                raise Refused(f"label {name}: unknown value {v!r} (known: {', '.join(names)})")
        if not ls.multiple and len(values) > 1:
            raise Refused(f"label {name} takes one value, got {len(values)}")


def make_claims(r: Record, schema) -> tuple[list[Claim], int]:
    """The record's claims, validated; and how many got the default stance.

    Fields a span lacks (note, stance, target) are listed in ``r.absent``: an existing claim
    with the same id keeps its own values for them."""
    types = _names(schema.claim_types) if schema is not None else None
    stances = _names(schema.stances) if schema is not None else None
    sha, n = r.sha, len(r.text)
    out, defaulted = [], 0
    for i, c in enumerate(r.claims, 1):
        name = f"claim {i}" + (f" ({c['id']})" if isinstance(c, dict) and isinstance(c.get("id"), str) else "")
        if not isinstance(c, dict):
            raise Refused(f"{name} is not a JSON object")
        start, end = c.get("start"), c.get("end")
        if type(start) is not int or type(end) is not int:
            raise Refused(f"{name}: start and end must be integers")
        if not 0 <= start < end <= n:
            raise Refused(f"{name}: span {start}-{end} is outside the text (length {n})")
        quote = c.get("text", c.get("quote"))
        if quote is not None and quote != r.text[start:end]:
            raise Refused(f"{name}: its text does not match text[{start}:{end}]")
        ctype = c.get("type")
        if not isinstance(ctype, str) or not ctype:
            raise Refused(f"{name}: no claim type (label)")
        if types is not None:
            match = {t.lower(): t for t in types}.get(ctype.lower())
            if match is None:
                raise Refused(f"{name}: unknown claim type {ctype!r} (known: {', '.join(types)})")
            ctype = match
        stance = c.get("stance")
        if stance is None:
            if stances is not None and DEFAULT_STANCE not in stances:
                raise Refused(f"{name}: no stance, and the schema has no {DEFAULT_STANCE!r} to default to")
            stance, defaulted = DEFAULT_STANCE, defaulted + 1
        if not isinstance(stance, str) or (stances is not None and stance not in stances):
            raise Refused(f"{name}: unknown stance {stance!r} (known: {', '.join(stances or [])})")
        target = c.get("target")
        if target is None:
            target = getattr(schema, "default_target", "") if schema is not None else ""
        cid, note = c.get("id"), c.get("note", "")
        created, updated = c.get("created", ""), c.get("updated", "")
        for what, value in (("target", target), ("id", cid), ("note", note), ("created", created),
                            ("updated", updated)):
            if value is not None and not isinstance(value, str):
                raise Refused(f"{name}: {what} is not a string")
        absent = tuple(f for f in ("note", "stance", "target") if c.get(f) is None)
        if not cid:
            key = "\0".join([r.doc_id, r.annotator, sha, str(start), str(end), ctype])
            cid = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
        out.append(Claim(id=cid, article_id=r.doc_id, text_sha256=sha, start=start, end=end,
                         quote=r.text[start:end], type=ctype, stance=stance, target=target, annotator=r.annotator,
                         note=note or "", created=created, updated=updated))
        if absent:
            r.absent[cid] = absent
    ids = [c.id for c in out]
    if len(set(ids)) != len(ids):
        raise Refused("two claims share one id")
    return out, defaulted


# -- the command ------------------------------------------------------------------------------

@dataclass
class Outcome:
    records: int = 0
    articles_added: int = 0
    claims_saved: int = 0
    skipped: int = 0
    defaulted_stance: int = 0
    refused: list[str] = field(default_factory=list)


def read_lines(path: Path, fmt: str, annotator: str | None, schema, out: Outcome) -> list[Record]:
    recs = []
    with open(path, "rb") as fh:
        for no, raw in enumerate(fh, 1):
            where = f"{path}:{no}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                out.refused.append(f"{where}: not UTF-8 text")
                continue
            if no == 1:
                line = line.removeprefix("\ufeff")
            if not line.strip():
                continue
            try:
                rec = to_record(json.loads(line), fmt, no, annotator)
                if rec is not None:
                    check_labels(rec.labels, schema)
                    rec.made, rec.defaulted = make_claims(rec, schema)
            except json.JSONDecodeError as exc:
                out.refused.append(f"{where}: not valid JSON ({exc.msg}, column {exc.colno})")
                continue
            except Refused as exc:
                out.refused.append(f"{where}: {exc}")
                continue
            if rec is None:
                out.skipped += 1
            else:
                recs.append(rec)
    return recs


def add_missing_articles(store: Store, recs: list[Record], path: Path, out: Outcome) -> list[Record]:
    """Add the articles the store lacks (old versions first); drop records whose text does not fit."""
    docs: dict[str, list[Record]] = {}
    for r in recs:
        docs.setdefault(r.doc_id, []).append(r)
    rounds: list[list[NewArticle]] = []
    keep: set[int] = set()
    for doc_id, group in docs.items():
        article = store.article(doc_id)
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
            if (r.sha in versions) if r.stale else (r.sha == current.sha):
                keep.add(id(r))
            else:
                out.refused.append(f"{path}:{r.line}: the text differs from the one line {current.line} gives "
                                   f"article {doc_id}")
        for k, r in enumerate(versions.values()):
            title = r.title if r.title is not None else next(
                (ln.strip() for ln in r.text.split("\n") if ln.strip()), doc_id)[:200]
            if len(rounds) <= k:
                rounds.append([])
            rounds[k].append(NewArticle(doc_id, title, str(path), r.text, r.meta or {}))
    for batch in rounds:  # each round adds one more version of the articles that have it
        out.articles_added += sum(res.outcome == "added" for res in store.add_articles(batch, actor="import"))
    return [r for r in recs if id(r) in keep]


def import_records(store: Store, recs: list[Record], path: Path, out: Outcome) -> None:
    for r in recs:
        claims = r.made
        try:
            existing = {c.id: c for c in store.claims(r.doc_id)}
            for c in claims:
                old = existing.get(c.id)
                if old is not None and (old.annotator, old.article_id) != (c.annotator, c.article_id):
                    raise Refused(f"claim id {c.id} belongs to {old.annotator}'s claim in the store")
            for c in claims:
                old = existing.get(c.id)
                if old is not None and c.id in r.absent:
                    c = replace(c, **{f: getattr(old, f) for f in r.absent[c.id]})
                if old is not None and _same(old, c):
                    continue
                store.save_claim(c, keep_times=True)
                out.claims_saved += 1
            if r.status is not None or r.labels is not None:
                store.set_state(r.doc_id, r.annotator, status=r.status, labels=r.labels)
        except (Refused, StoreError) as exc:
            out.refused.append(f"{path}:{r.line}: {exc}")
            continue
        out.records += 1
        out.defaulted_stance += r.defaulted


def _same(a: Claim, b: Claim) -> bool:
    skip = ("created", "updated")
    return all(getattr(a, f) == getattr(b, f) for f in Claim.__dataclass_fields__ if f not in skip) and \
        (not b.updated or a.updated == b.updated)


def run_import(store: Store, args, schema=None, err: TextIO | None = None) -> int:
    """``claimtag import``: 0 all imported, 1 some lines refused, 2 the file cannot be read."""
    err = err or sys.stderr
    path = Path(args.file)
    fmt = getattr(args, "format", "native") or "native"
    out = Outcome()
    try:
        recs = read_lines(path, fmt, getattr(args, "annotator", None), schema, out)
        recs = add_missing_articles(store, recs, path, out)
        import_records(store, recs, path, out)
    except IsADirectoryError:
        print(f"claimtag import: {path} is a folder, not a JSONL file", file=err)
        return 2
    except OSError as exc:
        print(f"claimtag import: cannot read {path}: {exc.strerror or exc}", file=err)
        return 2
    for line in out.refused:
        print(line, file=err)
    note = f"; {out.defaulted_stance} span(s) had no stance: set to {DEFAULT_STANCE!r}" if out.defaulted_stance else ""
    skipped = f", {out.skipped} rejected/ignored skipped" if out.skipped else ""
    print(f"claimtag import: {out.records} record(s) imported ({out.articles_added} article(s) added, "
          f"{out.claims_saved} claim(s) saved){skipped}, {len(out.refused)} refused{note}", file=err)
    return 1 if out.refused else 0
