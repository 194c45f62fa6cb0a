"""Imported records: one JSON line, read by its format's ``read`` into one shape, then validated.

``importing.py`` reads the file and writes to the store; its docstring describes what a record may
carry. Here: ``to_record`` (the line's article, annotator, status, labels), ``check_labels`` (against
the schema's label sets) and ``make_claims`` (offsets, quote, type, stance, target, ids). A problem is
``RefusedInput(reason)``; the importer reports it as ``FILE:LINE: reason``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..errors import RefusedInput as Refused
from ..models import STATUSES, Claim, labels_problem, span_problem
from ..schema import Choice, LabelSet, Schema
from ..text.fields import MAX_NAME, ident, json_value, line_text, surrogate_problem
from ..text.normalize import normalize_text, sha256_text

DEFAULT_STANCE = "neutral"


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
    skip: bool = False  # a record whose annotations are not taken (Prodigy's reject / ignore): only its text
    report: str = ""  # what the format noticed in this record (doccano: spans and meta.claims that differ)

    @cached_property
    def sha(self) -> str:
        """Hashed once: the importer asks for it several times per record (a text can be megabytes)."""
        return sha256_text(self.text)


def obj(value: Any, what: str) -> dict[str, Any]:
    """``value`` as a JSON object (None: empty), or refused."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Refused(f"{what} is not a JSON object")
    return value


# -- validation ---------------------------------------------------------------------------------

def _names(choices: tuple[Choice, ...]) -> list[str]:
    return [c.name for c in choices]


def _str_or_none(value: Any, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise Refused(f"{what} is not a string")


def to_record(rec: Any, fmt: str, line: int, annotator: str | None) -> Record | None:
    """One parsed JSON line as a Record (None: a line to skip), or raise Refused."""
    if not isinstance(rec, dict):
        raise Refused("not a JSON object")
    from . import registry

    read = registry.get(fmt).read
    if read is None:
        raise Refused(f"the {fmt} format cannot be imported")
    text = rec.get("text")
    if not isinstance(text, str) and isinstance(rec.get("data"), dict):  # Label Studio: the task's data.text
        text = rec["data"].get("text")
    if not isinstance(text, str) or not text.strip():
        raise Refused("no text (a non-empty string \"text\" is required)")
    raw = read(rec)
    if raw is None:
        return None
    if problem := surrogate_problem(text, "text"):
        raise Refused(problem)
    norm, _ = normalize_text(text)
    if norm != text:
        if raw["claims"]:
            raise Refused("text is not normalised (BOM, CR line ends, control characters or not NFC): "
                          "its offsets would shift; normalise it before annotating")
        text = norm
    given_sha = rec.get("text_sha256", obj(rec.get("meta"), "meta").get("text_sha256") if fmt != "native" else None)
    if given_sha is not None and given_sha != sha256_text(text):
        raise Refused("text_sha256 does not match the text")
    doc_id = None if raw["doc_id"] is None else ident(raw["doc_id"], "doc_id")
    who = raw["annotator"] if raw["annotator"] is not None else annotator
    if who is None or (isinstance(who, str) and not who.strip()):
        raise Refused("no annotator (the record names none: pass --annotator NAME)")
    who = ident(who, "annotator", MAX_NAME)
    status = _str_or_none(raw["status"], "status")
    if status is not None and status not in STATUSES:
        raise Refused(f"unknown status {status!r} (known: {', '.join(STATUSES)})")
    labels = raw["labels"]
    if labels is not None and labels_problem(labels):  # JSON has no tuples: lists of strings it is
        raise Refused("labels is not an object of lists of strings")
    if labels is not None:
        # a set listed empty (exports list every set of the schema) is an unset one
        labels = {ident(k, "label set"): [ident(v, f"label {k}") for v in vs] for k, vs in labels.items() if vs}
    if not isinstance(raw["stale"], bool):
        raise Refused("stale is not true/false")
    meta = raw["meta"]
    if meta is not None and not isinstance(meta, dict):
        raise Refused("meta is not a JSON object")
    meta = None if meta is None else json_value(meta, "meta")
    title = None if raw["title"] is None else line_text(raw["title"], "title")
    if not isinstance(raw["claims"], list):
        raise Refused("the spans are not a list")
    return Record(line, text, doc_id or f"imported-{sha256_text(text)[:12]}", title,
                  meta, who, status, labels, raw["stale"], list(raw["claims"]), skip=bool(raw.get("skip")),
                  report=str(raw.get("report", "")))


def check_labels(labels: dict[str, list[str]] | None, schema: Schema | None) -> None:
    sets = schema.label_sets if schema is not None else ()
    if labels is None or not sets:
        return
    known: dict[str, LabelSet] = {s.name: s for s in sets}
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


def make_claims(r: Record, schema: Schema | None) -> tuple[list[Claim], int]:
    """The record's claims, validated; and how many got the default stance.

    Fields a span lacks (note, stance, target) are listed in ``r.absent``: an existing claim
    with the same id keeps its own values for them."""
    types = _names(schema.claim_types) if schema is not None else None
    stances = _names(schema.stances) if schema is not None else None
    by_lower = {t.lower(): t for t in types} if types is not None else None
    sha = r.sha
    out, defaulted = [], 0
    for i, c in enumerate(r.claims, 1):
        name = f"claim {i}" + (f" ({c['id']})" if isinstance(c, dict) and isinstance(c.get("id"), str) else "")
        if not isinstance(c, dict):
            raise Refused(f"{name} is not a JSON object")
        start, end = c.get("start"), c.get("end")
        quote = c.get("text", c.get("quote"))
        if problem := span_problem(r.text, start, end, quote if isinstance(quote, str) or quote is None else ""):
            raise Refused(f"{name}: {problem}")
        assert isinstance(start, int) and isinstance(end, int)  # span_problem checked them
        ctype = c.get("type")
        if not isinstance(ctype, str) or not ctype:
            raise Refused(f"{name}: no claim type (label)")
        ctype = ident(ctype, f"{name}: claim type")
        if by_lower is not None:
            match = by_lower.get(ctype.lower())
            if match is None:
                raise Refused(f"{name}: unknown claim type {ctype!r} (known: {', '.join(types or [])})")
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
            target = schema.default_target if schema is not None else ""
        cid, note = c.get("id"), c.get("note", "")
        created, updated = c.get("created", ""), c.get("updated", "")
        for what, value in (("target", target), ("id", cid), ("note", note), ("created", created),
                            ("updated", updated)):
            if value is not None and not isinstance(value, str):
                raise Refused(f"{name}: {what} is not a string")
        stance = ident(stance, f"{name}: stance")
        target, note = line_text(target, f"{name}: target"), line_text(note or "", f"{name}: note")
        created, updated = (ident(t, f"{name}: time", 40) if t else "" for t in (created, updated))
        if cid:
            cid = ident(cid, f"{name}: id", 100)
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
