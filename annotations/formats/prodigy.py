"""``prodigy`` (alias ``spacy``, its old name): Prodigy's task JSONL: ``text, tokens, spans, meta,
_input_hash, _task_hash, _annotator_id, _session_id, answer``.

A span's ``label`` is the claim type upper-cased (FACT / OPINION / PREDICTION): the label set a span
model is trained on; ``type``, ``stance``, ``target``, ``note``, ``created``, ``updated`` and ``id`` ride
along as extra span keys, ``text`` is the quote. ``tokens`` come from ``text.tokens.tokenize``, which
follows spaCy's English tokenizer rules; ``token_end`` is inclusive. ``meta`` holds ``base.unit_meta``.
``_annotator_id`` and ``_session_id`` are ``claimtag-ANNOTATOR`` (Prodigy's review recipe groups by
them). ``answer`` comes from the status: ``accept`` for work done or begun (claims or labels), ``ignore``
for an article not yet worked on (a todo article with no span is not an accepted annotation).
Import: the annotations of records whose ``answer`` is ``reject`` or ``ignore`` are skipped (their text is
still added as the article, or as a version of it)."""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from typing import Any

from ..errors import RefusedInput
from ..text.tokens import tokenize
from .base import ExportContext, Format, Record, Unit, from_meta, unit_meta


def hash32(s: str) -> int:
    """A stable signed 32-bit hash (Prodigy's ``_input_hash`` / ``_task_hash`` are signed 32-bit ints)."""
    return int.from_bytes(hashlib.sha256(s.encode("utf-8")).digest()[:4], "big", signed=True)


def answer(u: Unit) -> str:
    begun = u.state.status == "done" or u.claims or any(u.state.labels.values())
    return "accept" if begun else "ignore"


def build(u: Unit, text: str, ctx: ExportContext) -> list[Record]:
    toks = tokenize(text)
    tstarts = [s for s, _ in toks]
    spans = []
    for c in u.claims:
        first = max(0, bisect_right(tstarts, c.start) - 1)
        last = max(first, bisect_right(tstarts, c.end - 1) - 1)
        spans.append({"start": c.start, "end": c.end, "text": c.quote, "label": c.type.upper(),
                      "token_start": first, "token_end": last, "type": c.type, "stance": c.stance,
                      "target": c.target, "id": c.id, "note": c.note, "created": c.created, "updated": c.updated})
    tokens = [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": text[e:e + 1] == " " and
               (i + 1 == len(toks) or toks[i + 1][0] > e)} for i, (s, e) in enumerate(toks)]
    input_hash = hash32(text)
    task_key = [input_hash, u.annotator, [(s["start"], s["end"], s["label"], s["stance"], s["target"]) for s in spans]]
    session = f"claimtag-{u.annotator}"
    return [{"text": text, "tokens": tokens, "spans": spans, "meta": unit_meta(u, ctx), "_input_hash": input_hash,
             "_task_hash": hash32(json.dumps(task_key, ensure_ascii=False)), "_annotator_id": session,
             "_session_id": session, "answer": answer(u)}]


def label_type(label: Any) -> Any:
    """A span label as a claim type (``FACT`` -> ``fact``; ``FACT:FAVOR`` -> ``fact``)."""
    return label.split(":", 1)[0].lower() if isinstance(label, str) else label


def read(rec: Record) -> Record | None:
    if rec.get("answer") in ("reject", "ignore"):  # no annotation to take; the text still counts (a version)
        return {**from_meta(rec, []), "status": None, "labels": None, "skip": True}
    spans = rec.get("spans", [])
    if not isinstance(spans, list) or not all(isinstance(s, dict) for s in spans):
        raise RefusedInput("spans is not a list of objects")
    return from_meta(rec, [{**s, "type": s.get("type", label_type(s.get("label")))} for s in spans])


FORMAT = Format("prodigy", "Prodigy task JSONL (text, tokens, spans, _input_hash, _task_hash, _annotator_id, "
                "_session_id, answer); also what spaCy's Prodigy-style readers take",
                build=build, read=read, aliases=("spacy",),
                cannot_carry="articles not yet worked on (answer ignore: skipped on import)")
