"""``native``: claimtag's own JSONL, one record per (article, annotator, text version); carries everything.

``doc_id, title, text, text_sha256, meta, annotator, status, labels, stale,
claims[{id, start, end, text, type, stance, target, note, created, updated, links}]`` (``links``: the ids
of the claim's links to claims of other articles, as ``--format pairs`` writes them); an (article, annotator)
pair is exported when the annotator has a state or claims for it. ``labels`` has every label set of the
schema (empty lists when unset) and ``meta`` always ``source``: the same features in every file, so
Hugging Face ``datasets`` loads, concatenates and writes Parquet from any set of exports.

The gold layer (``--annotator gold``) carries its provenance: each claim a ``provenance`` (how it got there,
source annotators, reviewer, when, rationale), and the record ``decisions``: every decision of the text,
"no claim here" negatives and the article labels' included (``{how, start, end, text, sources, claim_ids,
reviewer, at, rationale, sources_changed}``); a reader of the dataset knows what was reviewed."""

from __future__ import annotations

from ..errors import RefusedInput
from ..models import GOLD, Decision
from .base import ExportContext, Format, Record, Unit, article_meta, claim_record, every_label


def build(u: Unit, text: str, ctx: ExportContext) -> list[Record]:
    claims = [{**claim_record(c), "links": sorted(x.id for x in ctx.links_of(c.id))} for c in u.claims]
    record = {"doc_id": u.doc_id, "title": u.article.title if u.article else "", "text": text, "text_sha256": u.sha,
              "meta": article_meta(u), "annotator": u.annotator, "status": u.state.status,
              "labels": every_label(u, ctx), "stale": u.stale, "claims": claims}
    if u.annotator == GOLD:
        decisions = [d for d in ctx.store.decisions(u.doc_id) if d.text_sha256 == u.sha]
        by_claim = {cid: d for d in decisions for cid in d.claim_ids}
        for claim, c in zip(claims, u.claims):
            d = by_claim.get(c.id)
            claim["provenance"] = _provenance(d) if d else {"how": "added", "sources": []}
        record["decisions"] = [{**_provenance(d), "start": d.start, "end": d.end,
                                "text": text[d.start:d.end], "claim_ids": list(d.claim_ids)} for d in decisions]
    return [record]


def _provenance(d: Decision) -> Record:
    return {"how": d.how, "sources": list(d.sources), "reviewer": d.reviewer, "at": d.at, "rationale": d.rationale}


def read(rec: Record) -> Record:
    claims = rec.get("claims", [])
    if not isinstance(claims, list):
        raise RefusedInput("claims is not a list")
    return {"doc_id": rec.get("doc_id", rec.get("id")), "title": rec.get("title"), "meta": rec.get("meta"),
            "annotator": rec.get("annotator"), "status": rec.get("status"), "labels": rec.get("labels"),
            "stale": rec.get("stale", False), "claims": claims}


FORMAT = Format("native", "claimtag's own JSONL: everything (claims, labels, notes, times, versions)",
                build=build, read=read)
