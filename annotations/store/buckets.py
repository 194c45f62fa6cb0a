"""The store's bucket files and the one way to change them: ``Buckets.change(bucket)``.

An article's records live in bucket ``<bb>`` (two hex digits of a hash of its id, 256 buckets) of
each kind of table (``corpus/``, ``claims/``, ``states/``), so one save rewrites small files, not
the whole store. ``change(bucket)`` is the public primitive for "several tables changed atomically
under one lock": the bucket's lock is held, every table written in the block is written together
(one sync round) when it ends, or not at all if it raises, and each change is logged. The gold
layer, review and repairs use it like saves do.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb.table import Table

from ..errors import CorruptStoreFile
from .db import StoreDB
from .files import AtomicJSONStorage, batch
from .fs import StoreFS
from .lock import LockFile, bucket_lock, lock_file
from .log import PendingLog

TABLES = {"corpus": "articles", "claims": "claims", "states": "states", "review": "decisions", "links": "links"}  # folder -> TinyDB table
CACHED_FILES = 48  # bucket files (TinyDBs) kept with their parse (LRU): the articles being worked on
LOCK_TIMEOUT = 30.0  # seconds


def bucket_of(article_id: str) -> str:
    return hashlib.blake2b(article_id.encode("utf-8", "surrogatepass"), digest_size=1).hexdigest()


class BucketChange:
    """The tables of one bucket inside ``Buckets.change``; ``log`` records each change made."""

    def __init__(self, buckets: Buckets, bucket: str):
        self.buckets, self.bucket = buckets, bucket
        self.pending = PendingLog(bucket)

    def table(self, kind: str) -> Table:
        return self.buckets.table(kind, self.bucket)

    def log(self, annotator: str, op: str, key: str, before: Any, after: Any) -> None:
        """Record one change for the log: written (fsynced) before the tables are replaced, and marked
        applied once they are (see ``log.py``)."""
        self.pending.add(annotator, op, key, before, after)


class Buckets:
    """The bucket files under one store folder: cached TinyDB tables, scans, and locked changes."""

    def __init__(self, root: Path, fs: StoreFS | None = None):
        self.root = root
        self.fs = fs or StoreFS(root)
        self._dbs: OrderedDict[Path, StoreDB] = OrderedDict()
        self._mutex = threading.Lock()  # for the cache (an app may use a Store from threads)
        self._lock_file: LockFile | None = None
        self.skipped: dict[str, str] = {}  # unreadable files and records left out of scans: name -> reason

    def table(self, kind: str, bucket: str) -> Table:
        """The TinyDB table of one bucket file (its TinyDB is cached, the table reads the file as it is now)."""
        path = self.root / kind / f"{bucket}.json"
        with self._mutex:
            db = self._dbs.get(path)
            if db is None:
                db = self._dbs[path] = StoreDB(path, storage=AtomicJSONStorage, fs=self.fs)
                if len(self._dbs) > CACHED_FILES:
                    self._dbs.popitem(last=False)
            else:
                self._dbs.move_to_end(path)
        return db.table(TABLES[kind], cache_size=0)

    def files(self, kind: str) -> list[Path]:
        """The bucket files of one kind, sorted."""
        return sorted((self.root / kind).glob("*.json"))

    def scan(self, kind: str, files: Iterable[Path] | None = None) -> Iterator[dict[str, Any]]:
        """Every document of one kind (of ``files`` only, if given: a missing one has none), each file read
        through a TinyDB of its own (not cached: the caller owns the documents, nested values included). A
        file that cannot be read is left out and noted in ``skipped`` (one bad bucket must not hide the
        other 255)."""
        for path in self.files(kind) if files is None else files:
            if files is not None and not path.exists():
                continue
            try:
                docs = self.read_file(kind, path, self.fs)
            except CorruptStoreFile as exc:
                self.skipped[f"{kind}/{path.name}"] = str(exc)
                continue
            self.skipped.pop(f"{kind}/{path.name}", None)
            yield from docs

    @staticmethod
    def read_file(kind: str, path: Path, fs: StoreFS | None = None) -> list[dict[str, Any]]:
        """Every document of one bucket file (plain dicts, the caller's own: the file is parsed by a storage
        of its own, so nothing is shared and nothing needs copying; 3x faster than TinyDB's ``all()``
        over 300,000 claims); raises ``CorruptStoreFile`` for a file that does not parse."""
        data = AtomicJSONStorage(path, fs).snapshot() or {}
        return list(data.get(TABLES[kind], {}).values())

    @contextmanager
    def change(self, bucket: str) -> Iterator[BucketChange]:
        """One change of a bucket: its lock held; the tables written in the block are written together
        (one sync round) when it ends, or not at all if it raises. Its log lines are written (fsynced)
        before the files are replaced and marked applied after (see ``log.py``)."""
        if self._lock_file is None:  # looked up once (a real path), not on every save
            self._lock_file = lock_file(self.root, self.fs.file_mode)
        with bucket_lock(self._lock_file, int(bucket, 16), LOCK_TIMEOUT) as verify:
            change = BucketChange(self, bucket)
            pending = change.pending
            try:
                with batch(ready=verify):
                    yield change
                    if pending.lines:
                        pending.write_intents(self.fs)
            except BaseException as exc:
                if pending.written:
                    pending.write_outcome(self.fs, False, str(exc) or exc.__class__.__name__)
                raise
            if pending.written:
                pending.write_outcome(self.fs, True)
