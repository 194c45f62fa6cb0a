"""``pairs``: one line per link between claims of two articles (the compare view's links), for claim-matching
training: ``link_id, relation, annotator, created`` and for each side ``a`` / ``b``: ``doc_id, claim_id,
start, end, text, type, stance, target`` (offsets into that article's current text). Export only; the
native export carries the link ids on its claims."""

from __future__ import annotations

from typing import Any

from .base import ExportContext, Format, Record, Unit


def _side(c: Any) -> Record:
    return {"doc_id": c.article_id, "claim_id": c.id, "start": c.start, "end": c.end, "text": c.quote,
            "type": c.type, "stance": c.stance, "target": c.target}


def build(u: Unit, text: str, ctx: ExportContext) -> list[Record]:
    if u.stale:
        return []
    mine = {c.id: c for c in u.claims}
    out = []
    for c in u.claims:
        for link in ctx.links_of(c.id):
            if (link.article_id, link.claim_id, link.annotator) != (u.doc_id, c.id, u.annotator):
                continue  # written once, from its first claim's article
            other = next((o for o in ctx.store.claims(link.other_article_id, link.annotator)
                          if o.id == link.other_claim_id), None)
            if other is None or link.claim_id not in mine:
                ctx.note("link(s) whose other claim is gone left out")
                continue
            out.append({"link_id": link.id, "relation": link.relation, "annotator": link.annotator,
                        "created": link.created, "a": _side(c), "b": _side(other)})
    return out


FORMAT = Format("pairs", "one line per linked pair of claims in two articles (both texts, offsets, stances, "
                "relation, annotator): claim-matching training", build=build,
                cannot_carry="export only")
