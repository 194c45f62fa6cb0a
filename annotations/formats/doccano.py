"""``doccano``: ``text, label: [[start, end, "TYPE"], ...], meta``; ``meta.claims`` carries each span's id,
stance and target (same order as ``label``) so an import loses nothing. ``meta`` holds
``base.unit_meta``. Import also reads doccano >= 1.6's ``entities`` shape."""

from __future__ import annotations

import json

from ..errors import RefusedInput
from ..store import Store
from .base import Format, Record, Unit, from_meta, unit_meta
from .records import obj
from .spacy import label_type


def build(u: Unit, text: str, store: Store) -> list[Record]:
    meta = unit_meta(u)
    meta["claims"] = [{"id": c.id, "start": c.start, "end": c.end, "type": c.type, "stance": c.stance,
                       "target": c.target} for c in u.claims]
    return [{"text": text, "label": [[c.start, c.end, c.type.upper()] for c in u.claims], "meta": meta}]


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
    if isinstance(extra, list) and len(extra) == len(spans):
        for span, more in zip(spans, extra):  # the keys export puts beside doccano's triples
            if isinstance(more, dict) and (more.get("start"), more.get("end")) == (span["start"], span["end"]):
                span.update({k: more[k] for k in ("id", "type", "stance", "target") if k in more})
    for span in spans:
        span.setdefault("type", label_type(span["label"]))
    return from_meta(rec, spans)


FORMAT = Format("doccano", "doccano sequence-labelling JSONL (text, label triples; stance/target in meta)",
                build=build, read=read, cannot_carry="notes and times on export")
