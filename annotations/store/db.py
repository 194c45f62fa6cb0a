"""TinyDB over the store's files: ``StoreDB(path, storage=AtomicJSONStorage)`` and its ``FreshTable``.

TinyDB's ``Table`` keeps a query cache and a next-id counter per process: with
several processes writing one file, it would serve results another process made
stale and give a new document an id another process just took. ``FreshTable``
keeps neither: every operation works on the file as the storage reads it now
(see ``storage.AtomicJSONStorage.snapshot``). Writes still need the caller's
lock around the whole read-modify-write (the store's bucket lock).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any, cast

from tinydb import TinyDB
from tinydb.queries import QueryLike
from tinydb.table import Document, Table

from .files import AtomicJSONStorage, copy_json


class _NoQueryCache(dict):
    """TinyDB's query cache, switched off: a result is right only for the file as it was when read."""

    def __init__(self, capacity: int | None = None):
        super().__init__()

    def get(self, key: Any, default: Any = None) -> Any:
        return default

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


class _CopyOnWrite(dict):
    """A table's documents during one TinyDB update. TinyDB changes documents in place, and these are
    the storage's snapshot, shared with readers: a document is copied the first time TinyDB looks it up,
    and one TinyDB stores is copied too (the caller keeps its own)."""

    def __init__(self, docs: dict[int, Any]):
        super().__init__(docs)
        self.own: set[int] = set()

    def __getitem__(self, key: int) -> Any:
        doc = super().__getitem__(key)
        if key not in self.own:
            doc = copy_json(doc)
            dict.__setitem__(self, key, doc)
            self.own.add(key)
        return doc

    def __setitem__(self, key: int, doc: Any) -> None:
        dict.__setitem__(self, key, copy_json(doc))
        self.own.add(key)


class FreshTable(Table):
    """TinyDB's ``Table`` made safe for several processes (over ``AtomicJSONStorage``, see ``StoreDB``).

    - No query cache, and the next document id is computed from the table as it is now: TinyDB keeps
      both per process, so it would serve results another process made stale, or reuse an id another
      process just took.
    - Reads and updates work on the storage's parsed snapshot (reading the file is cheap, parsing it is
      not); an update copies the documents it touches, so the snapshot never changes under a reader.
    - An update that changes nothing writes nothing."""

    query_cache_class = _NoQueryCache  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._updating = threading.local()  # the table an update of this thread is changing, if any

    def _snapshot(self) -> dict[str, dict[str, Any]] | None:
        return cast(AtomicJSONStorage, self._storage).snapshot()

    def _read_table(self) -> dict[str, Any]:
        return (self._snapshot() or {}).get(self.name, {})

    def count(self, cond: Any) -> int:
        """TinyDB's count without building a Document per match (``len(search(cond))`` does): the
        claim count is redone on every save, over buckets that can hold thousands of claims."""
        return sum(1 for doc in self._read_table().values() if cond(doc))

    def _get_next_id(self) -> int:
        table = getattr(self._updating, "table", None)  # insert_multiple asks while it changes the table
        keys = table if table is not None else map(int, self._read_table())
        return max(keys, default=0) + 1

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        tables = self._snapshot() or {}
        old = tables.get(self.name)
        table = _CopyOnWrite({int(k): doc for k, doc in (old or {}).items()})
        self._updating.table = table
        try:
            updater(table)
        finally:
            self._updating.table = None
        new = {str(k): doc for k, doc in dict.items(table)}
        if old is not None and new.keys() == old.keys() and all(new[k] is d or new[k] == d for k, d in old.items()):
            return
        self._storage.write({**tables, self.name: new})


    def put_many(self, pairs: list[tuple[Document | None, dict[str, Any]]]) -> None:
        """``put`` for many records in one update of the table (one copy of it, not one per record):
        each ``(old document or None, record)`` replaces the old document or is inserted. The records
        are stored as they are (not copied): the caller hands them over."""
        def updater(table: dict[int, Any]) -> None:
            next_id = max(table, default=0) + 1
            own = cast(_CopyOnWrite, table).own
            for old, record in pairs:
                key = next_id if old is None else old.doc_id
                next_id += old is None
                dict.__setitem__(table, key, record)
                own.add(key)

        self._update_table(updater)


class StoreDB(TinyDB):
    """TinyDB over one store file, with ``FreshTable`` tables: ``StoreDB(path, storage=AtomicJSONStorage)``.

    Open tables with ``cache_size=0``. Nested values (lists, dicts) of the documents a table returns are
    shared with the storage's snapshot: copy them before changing them."""

    table_class = FreshTable
    default_storage_class = AtomicJSONStorage  # type: ignore[assignment]


def open_db(path: Path) -> StoreDB:
    """A TinyDB over one store file, safe for several processes (see ``FreshTable``)."""
    return StoreDB(path, storage=AtomicJSONStorage)


class Match:
    """The TinyDB query "every field named has the value given", as TinyDB's ``QueryLike`` protocol
    describes custom queries (callable, hashable, optionally not cacheable). One plain call per
    document: on a bucket holding a 2,000-claim article, TinyDB's ``where(a) == x & where(b) == y``
    cost ~9 ms per save and ``Query().fragment`` ~6 ms; this is a fraction of that."""

    __slots__ = ("items",)

    def __init__(self, match: dict[str, Any]):
        self.items = tuple(match.items())

    def __call__(self, doc: Any) -> bool:
        for key, value in self.items:
            if doc.get(key) != value:
                return False
        return True

    def __hash__(self) -> int:
        return hash(self.items)

    def is_cacheable(self) -> bool:
        return False  # other processes change the files: never cache (FreshTable keeps no cache either)


def match(**fields: Any) -> QueryLike:
    """A query for documents whose named fields have the given values."""
    return cast(QueryLike, Match(fields))


def put(table: Table, old: Document | None, record: dict[str, Any]) -> None:
    """Insert ``record``, or make the document ``old`` that record (fields it no longer has are dropped)."""
    if old is None:
        table.insert(record)
    else:
        def replace_fields(doc: MutableMapping[str, Any]) -> None:
            doc.clear()
            doc.update(record)

        table.update(replace_fields, doc_ids=[old.doc_id])
