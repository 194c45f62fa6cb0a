"""Import formats: one JSON line (native, spacy, doccano) read into one ``Record`` shape and validated.

``importer.py`` reads the file and writes to the store; its docstring describes what each format may
carry. Here: ``to_record`` (the line's article, annotator, status, labels), ``check_labels`` (against
the schema's label sets) and ``make_claims`` (offsets, quote, type, stance, target, ids). A problem is
``Refused(reason)``; the importer reports it as ``FILE:LINE: reason``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from .models import STATUSES, Claim
from .normalize import normalize_text, sha256_text

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
