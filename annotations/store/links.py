"""Links between claims of two articles (``links/<bb>.json``, table ``links``, in the bucket of the first
claim's article): put or removed whole inside ``Buckets.change``, each logged (``link.put`` /
``link.delete``) like claims and decisions, so ``claimtag check`` can put a lost one back."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

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


class LinkCache:
    """Every link of the store, parsed again only when a links file changed (its name, size, time and
    inode, from one listing of ``links/``): the review panel, the compare view and the reader ask on
    every key, and a listing costs far less than reading and parsing the files."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._seen: tuple[tuple[str, int, int, int], ...] | None = None
        self._links: list[Link] = []

    def _signature(self) -> tuple[tuple[str, int, int, int], ...]:
        try:
            with os.scandir(self.folder) as entries:
                return tuple(sorted((e.name, (st := e.stat(follow_symlinks=False)).st_size, st.st_mtime_ns, st.st_ino)
                                    for e in entries))
        except OSError:
            return ()

    def links(self, read: Callable[[], Iterable[Link]]) -> list[Link]:
        """The links, by ``read()`` (the store's checked reading of ``links/``) when the files changed."""
        seen = self._signature()
        if seen != self._seen:
            self._links = sorted(read(), key=lambda x: (x.created, x.id))
            self._seen = seen
        return self._links
