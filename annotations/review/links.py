"""Links between claims of two articles in review: which annotators linked a claim of the unit under the
cursor to a claim elsewhere, and the gold layer's own links, made by the reviewer between gold claims
(the unit's gold claim here; the gold claim over the linked claim there). A gold link is an ordinary
``Link`` of annotator ``gold``, so it is stored, checked, exported (``pairs --annotator gold``) like any."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..errors import EditRefused
from ..models import GOLD, Claim, Link
from ..store import Store
from .units import ClaimUnit


@dataclass(frozen=True)
class UnitLink:
    who: str  # the annotator who made the link
    link: Link
    mine: Claim  # the linked claim in this article (a variant of the unit)
    other: Claim  # the claim it is linked to, in another article


def unit_links(store: Store, unit: ClaimUnit, links: list[Link]) -> list[UnitLink]:
    """The annotators' links (``links``: every link of the store) touching a variant of ``unit``."""
    out = []
    for who, claims in unit.variants.items():
        for c in claims:
            for link in links:
                if link.annotator != who or not link.touches(c.article_id, c.id):
                    continue
                aid, cid = ((link.other_article_id, link.other_claim_id) if link.claim_id == c.id
                            else (link.article_id, link.claim_id))
                other = next((o for o in store.claims(aid, who) if o.id == cid), None)
                if other is not None:
                    out.append(UnitLink(who, link, c, other))
    return out


def _overlap(a: Claim, b: Claim) -> int:
    return min(a.end, b.end) - max(a.start, b.start)


def gold_link_id(here: Claim, there: Claim) -> str:
    ids = sorted((here.id, there.id))
    return "gold-" + hashlib.sha256("\0".join(ids).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class LinkChange:
    """One step on the gold layer's links (a review step like a decision: undone by its ``inverse``)."""

    add: Link | None = None
    remove: Link | None = None

    def inverse(self) -> LinkChange:
        return LinkChange(self.remove, self.add)

    def apply(self, store: Store) -> None:
        if self.remove is not None:
            store.delete_link(self.remove)
        if self.add is not None:
            store.save_link(self.add)


def gold_link_change(store: Store, ul: UnitLink, gold_here: list[Claim]) -> tuple[LinkChange, str]:
    """The step that links the unit's gold claim to the gold claim over ``ul.other`` with ``ul``'s relation,
    or removes that gold link if it is there, and what it does. Refused while either end has no gold claim."""
    if not gold_here:
        raise EditRefused("decide this unit first: it has no gold claim to link")
    here = max(gold_here, key=lambda g: _overlap(g, ul.mine))
    candidates = [g for g in store.claims(ul.other.article_id, GOLD) if _overlap(g, ul.other) > 0]
    if not candidates:
        raise EditRefused(f"the claim it is linked to in {ul.other.article_id} has no gold claim yet: review that first")
    there = max(candidates, key=lambda g: _overlap(g, ul.other))
    link_id = gold_link_id(here, there)
    held = next((x for x in store.all_links(GOLD) if x.id == link_id), None)
    if held is not None:
        return LinkChange(remove=held), f"gold link ({held.relation}) to {ul.other.article_id} removed"
    link = Link(link_id, here.article_id, here.id, there.article_id, there.id, ul.link.relation, GOLD)
    return LinkChange(add=link), f"gold link: {ul.link.relation} to {ul.other.article_id}"


def gold_linked(links: list[Link], ul: UnitLink, gold_here: list[Claim]) -> bool:
    """Whether a gold link joins a gold claim of this unit and the other article (shown as ✓ in the panel)."""
    ids = {g.id for g in gold_here}
    return any(x.annotator == GOLD and (x.claim_id in ids or x.other_claim_id in ids)
               and ul.other.article_id in (x.article_id, x.other_article_id) for x in links)
