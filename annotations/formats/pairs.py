"""``pairs``: one line per link between claims of two articles (the compare view's links), for claim-matching
training: ``link_id, relation, annotator, created`` and for each side ``a`` / ``b``: ``doc_id, claim_id,
start, end, text, type, stance, target`` (offsets into that article's current text). The native export carries the link ids on its claims.

Import (``take``): both articles must be in the store with the texts the offsets point into (the quote
must be there); a claim the annotator lacks is made from the record (same id), then the link is saved
with its id, relation and time. Importing a file again changes nothing."""

from __future__ import annotations

from typing import Any

from ..errors import RefusedInput, StoreError
from ..models import RELATIONS, Claim, Link, span_problem
from ..store import Store
from .base import ExportContext, Format, Record, Unit


def _side(c: Claim) -> Record:
    return {"doc_id": c.article_id, "claim_id": c.id, "start": c.start, "end": c.end, "text": c.quote,
            "type": c.type, "stance": c.stance, "target": c.target}


def build(u: Unit, text: str, ctx: ExportContext) -> list[Record]:
    if u.stale:
        return []
    out = []
    for c in u.claims:
        for link in ctx.links_of(c.id):
            if (link.article_id, link.claim_id, link.annotator) != (u.doc_id, c.id, u.annotator):
                continue  # written once, from its first claim's article
            other = next((o for o in ctx.store.claims(link.other_article_id, link.annotator)
                          if o.id == link.other_claim_id), None)
            if other is None:
                ctx.note("link(s) whose other claim is gone left out")
                continue
            out.append({"link_id": link.id, "relation": link.relation, "annotator": link.annotator,
                        "created": link.created, "a": _side(c), "b": _side(other)})
    return out


def _claim(store: Store, side: Any, who: str, what: str) -> Claim:
    if not isinstance(side, dict):
        raise RefusedInput(f"{what} is not an object")
    aid, cid = side.get("doc_id"), side.get("claim_id")
    if not isinstance(aid, str) or not isinstance(cid, str) or not cid:
        raise RefusedInput(f"{what}: doc_id and claim_id must be strings")
    held = next((c for c in store.claims(aid, who) if c.id == cid), None)
    if held is not None:
        return held
    article = store.article(aid)
    if article is None:
        raise RefusedInput(f"{what}: article {aid} is not in the store (add it first)")
    text = store.text(article.sha256)
    start, end, quote = side.get("start"), side.get("end"), side.get("text")
    if problem := span_problem(text, start, end, quote if isinstance(quote, str) else ""):
        raise RefusedInput(f"{what}: {problem}")
    ctype, stance, target = (side.get(k) for k in ("type", "stance", "target"))
    if not (isinstance(ctype, str) and isinstance(stance, str) and isinstance(target, str) and ctype and stance):
        raise RefusedInput(f"{what}: type, stance and target must be strings")
    assert isinstance(start, int) and isinstance(end, int)
    try:
        return store.save_claim(Claim(cid, aid, article.sha256, start, end, text[start:end], ctype, stance, target,
                                      who))
    except StoreError as exc:
        raise RefusedInput(f"{what}: {exc}") from None


def take(store: Store, rec: Any, annotator: str | None) -> int:
    if not isinstance(rec, dict):
        raise RefusedInput("not a JSON object")
    named = rec.get("annotator")
    who = named if isinstance(named, str) and named else annotator
    relation, link_id = rec.get("relation"), rec.get("link_id")
    if not who:
        raise RefusedInput("no annotator (the record names none: pass --annotator NAME)")
    if relation not in RELATIONS:
        raise RefusedInput(f"relation must be one of {', '.join(RELATIONS)}")
    if not isinstance(link_id, str) or not link_id:
        raise RefusedInput("no link_id")
    a, b = _claim(store, rec.get("a"), who, "a"), _claim(store, rec.get("b"), who, "b")
    made = rec.get("created")
    created = made if isinstance(made, str) else ""
    link = Link(link_id, a.article_id, a.id, b.article_id, b.id, relation, who, created)
    if link in store.all_links(who):
        return 0
    try:
        store.save_link(link)
    except StoreError as exc:
        raise RefusedInput(str(exc)) from None
    return 1


FORMAT = Format("pairs", "one line per linked pair of claims in two articles (both texts, offsets, stances, "
                "relation, annotator): claim-matching training", build=build, take=take,
                cannot_carry="the articles' texts (they must be in the store to import)")
