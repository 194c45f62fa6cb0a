"""``docbin``: a spaCy ``DocBin`` (``.spacy``), ready for ``spacy train`` with a span categorizer: one Doc
per (article, annotator, text version), tokenized by ``spacy.blank(--lang)`` (default ``en``), the claims
in ``doc.spans["claims"]`` labelled by claim type (``--span-label type:stance``: ``fact:favor``).

Every claim's fields ride along in ``doc.user_data["claimtag"]``: the document's id, annotator, status,
article labels, and per span (in the order of ``doc.spans["claims"]``) its id, stance, target, note and
its own offsets. A span whose ends do not fall on spaCy's token boundaries (a mid-word span; a CJK run
the English tokenizer keeps as one token) is expanded to whole tokens (``--misaligned expand``, default)
or dropped (``drop``); either way the count is said on stderr, never silent.

Needs spaCy (``pip install 'claimtag[spacy]'``). Export only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from ..errors import ExportError
from .base import ExportContext, Format, Record, Unit, every_label


def _spacy() -> Any:
    try:
        import spacy
    except ImportError:
        raise ExportError("the docbin format needs spaCy: pip install 'claimtag[spacy]'") from None
    return spacy


def build(u: Unit, text: str, ctx: ExportContext) -> list[Record]:
    label = ctx.options.span_label
    claims = [{"id": c.id, "start": c.start, "end": c.end, "type": c.type, "stance": c.stance, "target": c.target,
               "note": c.note, "label": f"{c.type}:{c.stance}" if label == "type:stance" else c.type}
              for c in u.claims]
    return [{"text": text, "doc_id": u.doc_id, "annotator": u.annotator, "status": u.state.status,
             "labels": every_label(u, ctx), "stale": u.stale, "text_sha256": u.sha, "claims": claims}]


def write_file(recs: Iterable[Record], fh: IO[bytes], ctx: ExportContext) -> int:
    spacy = _spacy()
    from spacy.tokens import DocBin

    try:
        nlp = spacy.blank(ctx.options.lang)
    except Exception as exc:  # spaCy raises its own error types for an unknown language
        raise ExportError(f"docbin: spacy.blank({ctx.options.lang!r}) failed: {exc}") from None
    out = DocBin(store_user_data=True)
    n = 0
    for rec in recs:
        doc = nlp.make_doc(rec["text"])
        spans, kept = [], []
        for c in rec["claims"]:
            span = doc.char_span(c["start"], c["end"], label=c["label"], alignment_mode="strict")
            if span is None:  # off the token boundaries: expanded to whole tokens, or dropped
                if ctx.options.misaligned == "expand":
                    span = doc.char_span(c["start"], c["end"], label=c["label"], alignment_mode="expand")
                ctx.note("span(s) off spaCy's token boundaries expanded to whole tokens" if span is not None
                         else "span(s) off spaCy's token boundaries dropped (--misaligned drop)")
            if span is not None:
                spans.append(span)
                kept.append(c)
        doc.spans["claims"] = spans
        doc.user_data["claimtag"] = {k: rec[k] for k in ("doc_id", "annotator", "status", "labels", "stale",
                                                         "text_sha256")} | {"claims": kept}
        out.add(doc)
        n += 1
    fh.write(out.to_bytes())
    return n


FORMAT = Format("docbin", "a spaCy DocBin (.spacy) for spacy train: spans in doc.spans['claims'] by type "
                "(--span-label type:stance), claim fields in doc.user_data; needs spaCy",
                build=build, write_file=write_file,
                cannot_carry="times, article meta; spans off token boundaries are expanded or dropped (said); "
                             "export only")
