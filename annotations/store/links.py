"""Links between claims of two articles (``links/<bb>.json``, table ``links``, in the bucket of the first
claim's article): put or removed whole inside ``Buckets.change``, each logged (``link.put`` /
``link.delete``) like claims and decisions, so ``claimtag check`` can put a lost one back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import StoreError
from ..models import Link
from .buckets import BucketChange
from .db import match, put
from .writes import plain


def put_link(change: BucketChange, link: Link) -> None:
    links = change.table("links")
    before = links.get(match(id=link.id))
    if before is not None and (before.get("article_id"), before.get("annotator")) != (link.article_id, link.annotator):
        raise StoreError(f"link id {link.id} is taken by another link")
    record = link.to_record()
    put(links, before, record)
    change.log(link.annotator, "link.put", link.id, plain(before), record)


def remove_link(change: BucketChange, link: Link) -> bool:
    links = change.table("links")
    before = links.get(match(id=link.id, article_id=link.article_id))
    if before is None:
        return False
    links.remove(doc_ids=[before.doc_id])
    change.log(link.annotator, "link.delete", link.id, plain(before), None)
    return True


def read_links(docs: Sequence[dict[str, Any]], skipped: dict[str, str]) -> list[Link]:
    """Links from stored documents; one of the wrong shape (a hand edit) is left out and named."""
    out: list[Link] = []
    for doc in docs:
        try:
            out.append(Link.from_record(doc))
        except StoreError as exc:
            skipped[f"link record {str(doc.get('id') if isinstance(doc, dict) else '?')[:60]}"] = str(exc)
    return out
