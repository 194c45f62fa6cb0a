"""``claims``: one line per claim, with the sentences around it, for claim/stance classifiers.

``id, text`` (the quote), ``context`` (the sentences the claim overlaps, widened to contain the
claim), ``context_start``, ``type, stance, target, note, doc_id, start, end, annotator, text_sha256, stale``."""

from __future__ import annotations

from bisect import bisect_right

from .base import ExportContext, Format, Record, Unit


def build(u: Unit, text: str, ctx: ExportContext) -> list[Record]:
    if not u.claims:
        return []
    sents = ctx.store.sentences(u.sha, text)
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
                    "stance": c.stance, "target": c.target, "note": c.note, "doc_id": u.doc_id, "start": c.start, "end": c.end,
                    "annotator": u.annotator, "text_sha256": u.sha, "stale": u.stale})
    return out


FORMAT = Format("claims", "one line per claim with its sentence context (classifier training)", build=build,
                cannot_carry="article labels, times; export only")
