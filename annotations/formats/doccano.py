"""``doccano``: ``text, label: [[start, end, "LABEL"], ...], meta``; ``meta.claims`` carries each span's id,
type, stance, target, note and times, so an import loses nothing. ``meta`` holds ``base.unit_meta``.
Import also reads doccano >= 1.6's ``entities`` shape.

``--doccano-label type`` (default) labels a span with its claim type (FACT); ``type:stance`` with both
(FACT:FAVOR), so the stance shows in doccano's own UI. doccano drops overlapping spans unless the project
allows them: export counts and says how many spans overlap another.

Import matches each span to its ``meta.claims`` entry by (start, end, label), never by position: a doccano
export may hold fewer spans than ``meta.claims`` (doccano dropped overlapping ones) or more (added in
doccano). A span with no entry is a new claim (its stance from a ``type:stance`` label, else the
default); an entry with no span is a claim deleted in doccano: both are reported, per record."""

from __future__ import annotations

import json

from ..errors import RefusedInput
from .base import ExportContext, Format, Record, Unit, from_meta, unit_meta
from .prodigy import label_type
from .records import obj

CLAIM_KEYS = ("id", "type", "stance", "target", "note", "created", "updated")


def span_label(type_: str, stance: str, how: str) -> str:
    return f"{type_.upper()}:{stance.upper()}" if how == "type:stance" else type_.upper()


def overlapping(spans: list[tuple[int, int]]) -> int:
    """How many spans overlap another (sorted sweep)."""
    hit: set[int] = set()
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    reach, last = -1, -1
    for i in order:
        s, e = spans[i]
        if s < reach:
            hit.update((i, last))
        if e > reach:
            reach, last = e, i
    return len(hit)


def build(u: Unit, text: str, ctx: ExportContext) -> list[Record]:
    how = ctx.options.doccano_label
    meta = unit_meta(u, ctx)
    meta["claims"] = [{"start": c.start, "end": c.end, "label": span_label(c.type, c.stance, how),
                       **{k: getattr(c, k) for k in CLAIM_KEYS}} for c in u.claims]
    n = overlapping([(c.start, c.end) for c in u.claims])
    ctx.note("span(s) overlap another: doccano keeps them only in a project that allows overlapping spans", n)
    return [{"text": text, "label": [[c.start, c.end, span_label(c.type, c.stance, how)] for c in u.claims],
             "meta": meta}]


def _key(start: object, end: object, label: object) -> tuple[int, int, str] | None:
    """What a span and its ``meta.claims`` entry are matched by; None for offsets that are not numbers
    (the span is refused later, with its reason)."""
    if type(start) is not int or type(end) is not int:
        return None
    return start, end, str(label).lower()


def _stance_of(label: object) -> str | None:
    return label.split(":", 1)[1].lower() if isinstance(label, str) and ":" in label else None


def read(rec: Record) -> Record:
    spans: list[Record] = []
    if "entities" in rec:  # doccano >= 1.6
        ents = rec["entities"]
        if not isinstance(ents, list) or not all(isinstance(e, dict) for e in ents):
            raise RefusedInput("entities is not a list of objects")
        spans = [{"start": e.get("start_offset"), "end": e.get("end_offset"), "label": e.get("label")} for e in ents]
    else:
        labels = rec.get("label", [])
        if not isinstance(labels, list):
            raise RefusedInput("label is not a list of [start, end, LABEL]")
        for item in labels:
            if not (isinstance(item, list) and len(item) == 3):
                raise RefusedInput(f"label entry {json.dumps(item, ensure_ascii=False)[:40]} is not [start, end, LABEL]")
            spans.append({"start": item[0], "end": item[1], "label": item[2]})
    extra = obj(rec.get("meta"), "meta").get("claims")
    entries: dict[tuple[int, int, str], list[Record]] = {}
    for more in extra if isinstance(extra, list) else []:
        if isinstance(more, dict) and (key := _key(more.get("start"), more.get("end"),
                                                   more.get("label") or str(more.get("type", "")).upper())):
            entries.setdefault(key, []).append(more)
    unmatched = 0
    for span in spans:  # by (start, end, label): doccano may have dropped or added spans
        key = _key(span["start"], span["end"], span["label"])
        found = entries.get(key) if key else None
        if found:
            span.update({k: v for k, v in found.pop(0).items() if k in CLAIM_KEYS})
        else:
            unmatched += 1
            stance = _stance_of(span["label"])
            if stance is not None:
                span["stance"] = stance
        span.setdefault("type", label_type(span["label"]))
    out = from_meta(rec, spans)
    gone = sum(len(v) for v in entries.values())
    if unmatched or gone:
        out["report"] = (f"{unmatched} span(s) not in meta.claims (new claims)" if unmatched else "") + \
            ("; " if unmatched and gone else "") + \
            (f"{gone} meta.claims entr{'y' if gone == 1 else 'ies'} with no span (deleted or dropped by doccano: "
             "the store keeps those claims)" if gone else "")
    return out


FORMAT = Format("doccano", "doccano sequence-labelling JSONL (text, label triples; claim fields in meta.claims)",
                build=build, read=read)
