"""The claimtag store: TinyDB JSON files under one folder, safe for several processes.

Layout (every file is JSON or text a person can read)::

    STORE/claimtag-store.json      schema version of the store
    STORE/corpus/<bb>.json         article records (table "articles"), by bucket
    STORE/texts/<sh>/<sha256>.txt  article texts, content-addressed, never changed
    STORE/claims/<bb>.json         claims of all annotators (table "claims"), by bucket
    STORE/states/<bb>.json         per (article, annotator): status, labels, claim count
    STORE/log/<annotator>.jsonl    append-only log of every change (before/after)
    STORE/cache/sentences/<sha>.json  sentence offsets, derived, safe to delete
    STORE/locks/                   lock files

An article's records live in bucket ``<bb>`` (two hex digits of a hash of its
id, 256 buckets), so one save rewrites two small files, not the whole store.
Old texts are kept when an article changes: a claim stays attached to the text
it was made on (``text_sha256``) and is reported as stale, never shifted.

Each bucket file is a TinyDB (``StoreDB(path, storage=AtomicJSONStorage)``, cached
per file); every read and write is a ``db.table(name, cache_size=0)`` operation.
Those tables (``store_db.FreshTable``) keep no query cache and no next-id counter
(both would go stale when another process writes) and the storage re-reads a file
another process replaced. A change is one read-modify-write of a bucket's files
under the bucket's lock (``locks/<bb>.lock``) in one ``batch()``: tables read and
changed, the change appended to the log (fsynced), then the files replaced
together (fsynced) before the call returns. A crash between the claims and the
states file leaves stale claim counts: ``check(repair=True)`` recounts them.
Records handed out are copies: changing them never changes the store.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tinydb import where
from tinydb.table import Document, Table

from .models import STATUSES, Article, ArticleState, Claim, Progress, now_iso
from .normalize import sha256_text
from .storage import FILE_MODE, AtomicJSONStorage, StoreError, atomic_write_text, batch, copy_json, read_json_file
from .store_db import StoreDB, match, open_db, put
from .store_log import append_change

STORE_SCHEMA_VERSION = 1
STORE_MARKER = "claimtag-store.json"
TABLES = {"corpus": "articles", "claims": "claims", "states": "states"}  # folder -> TinyDB table
CACHED_FILES = 48  # bucket files (TinyDBs) a Store keeps with their parse (LRU): the articles being worked on


def bucket_of(article_id: str) -> str:
    return hashlib.blake2b(article_id.encode("utf-8"), digest_size=1).hexdigest()


def default_store_dir(project: Path | None = None) -> Path:
    """``$CLAIMTAG_STORE``, else ``.claimtag/`` in the project folder (the current one)."""
    env = os.environ.get("CLAIMTAG_STORE")
    if env:
        return Path(env)
    return (project or Path.cwd()) / ".claimtag"


@dataclass(frozen=True)
class NewArticle:
    """An article read from a file, text already normalised."""

    id: str
    title: str
    source: str
    text: str
    meta: dict[str, Any]
    removed_controls: int = 0


@dataclass(frozen=True)
class AddResult:
    article_id: str
    outcome: str  # "added" | "unchanged" | "new version"
    stale_claims: int = 0  # claims left on the old text by a new version


class Store:
    def __init__(self, root: str | os.PathLike[str], *, create: bool = True):
        self.root = Path(root)
        marker = self.root / STORE_MARKER
        if not marker.exists():
            if not create:
                raise StoreError(f"no claimtag store at {self.root}")
            if self.root.exists() and not self.root.is_dir():
                raise StoreError(f"store path {self.root} is not a folder")
            self.root.mkdir(parents=True, exist_ok=True)
            from filelock import FileLock  # imported when first needed: ~10 ms of every start-up

            with FileLock(self.root / ".create.lock", mode=FILE_MODE):
                if not marker.exists():
                    record = {"schema_version": STORE_SCHEMA_VERSION, "created": now_iso()}
                    atomic_write_text(marker, json.dumps(record, indent=2) + "\n")
        info = read_json_file(marker)
        version = info.get("schema_version") if isinstance(info, dict) else None
        if version != STORE_SCHEMA_VERSION:
            raise StoreError(f"{marker}: store schema version {version!r}, this claimtag reads {STORE_SCHEMA_VERSION}")
        self._dbs: OrderedDict[Path, StoreDB] = OrderedDict()
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._mutex = threading.Lock()  # for the two caches above (an app may use a Store from threads)

    # -- plumbing -------------------------------------------------------------------------

    def _table(self, kind: str, bucket: str) -> Table:
        """The TinyDB table of one bucket file (its TinyDB is cached, the table reads the file as it is now)."""
        path = self.root / kind / f"{bucket}.json"
        with self._mutex:
            db = self._dbs.get(path)
            if db is None:
                db = self._dbs[path] = StoreDB(path, storage=AtomicJSONStorage)
                if len(self._dbs) > CACHED_FILES:
                    self._dbs.popitem(last=False)
            else:
                self._dbs.move_to_end(path)
        return db.table(TABLES[kind], cache_size=0)

    @contextmanager
    def _change(self, bucket: str) -> Iterator[None]:
        """One change of a bucket: its lock held; the files written in the block are written together
        (one sync round) when it ends, or not at all if it raises (``batch``)."""
        from filelock import FileLock, Timeout

        folder = self.root / "locks"
        folder.mkdir(exist_ok=True)
        lock = FileLock(folder / f"{bucket}.lock", timeout=30, mode=FILE_MODE)
        try:
            lock.acquire()
        except Timeout:
            raise StoreError(f"store bucket {bucket} stayed locked for 30 s (another claimtag stuck?)") from None
        try:
            with batch():
                yield
        finally:
            lock.release()

    def _log(self, annotator: str, op: str, key: str, before: Any, after: Any) -> None:
        """Append one change to the annotator's log, durably, before the change is written."""
        append_change(self.root / "log", annotator, op, key, before, after)

    def _bucket_files(self, kind: str) -> list[Path]:
        return sorted((self.root / kind).glob("*.json"))

    def _scan(self, kind: str) -> Iterator[Document]:
        """Every document of one kind, each file read through a TinyDB of its own (not cached: the caller
        owns the documents, nested values included)."""
        for path in self._bucket_files(kind):
            yield from open_db(path).table(TABLES[kind], cache_size=0)

    def signature(self) -> tuple[int, ...]:
        """Changes whenever any process saved anything (cheap to poll)."""
        sig: list[int] = []
        for kind in ("corpus", "claims", "states", "log"):
            try:
                st = os.stat(self.root / kind)
                sig += [st.st_mtime_ns, st.st_ino]
            except FileNotFoundError:
                sig += [0, 0]
        try:  # the logs only grow: their total size changes with every logged change, whatever the clock
            with os.scandir(self.root / "log") as entries:
                sig.append(sum(e.stat().st_size for e in entries if e.name.endswith(".jsonl")))
        except FileNotFoundError:
            sig.append(0)
        return tuple(sig)

    # -- corpus -----------------------------------------------------------------------------

    def _text_path(self, sha: str) -> Path:
        return self.root / "texts" / sha[:2] / f"{sha}.txt"

    def add_articles(self, items: Iterable[NewArticle], actor: str = "claimtag") -> list[AddResult]:
        by_bucket: dict[str, list[tuple[NewArticle, str]]] = {}  # (article, its text's SHA-256)
        for item in items:
            by_bucket.setdefault(bucket_of(item.id), []).append((item, sha256_text(item.text)))
        results: list[AddResult] = []
        for bucket, group in sorted(by_bucket.items()):
            stored = {doc.get("id"): doc.get("sha256") for doc in self._table("corpus", bucket).all()}
            if all(stored.get(item.id) == sha for item, sha in group):
                # all there already (`claimtag PATH` on every start): no lock, no write
                results += [AddResult(item.id, "unchanged") for item, _ in group]
                continue
            for item, sha in group:  # texts first: a record never points at a missing text
                path = self._text_path(sha)
                if not path.exists():
                    atomic_write_text(path, item.text)
            with self._change(bucket):
                corpus = self._table("corpus", bucket)
                existing = {doc.get("id"): doc for doc in corpus.all()}
                changed: dict[str, dict[str, Any]] = {}
                for item, sha in group:
                    results.append(self._merge_article(bucket, existing, changed, item, sha))
                for aid, rec in changed.items():
                    if aid in existing:
                        put(corpus, existing[aid], rec)
                corpus.insert_multiple(rec for aid, rec in changed.items() if aid not in existing)
                for aid, rec in changed.items():
                    self._log(actor, "article.put", aid, _plain(existing.get(aid)), rec)
        return results

    def _merge_article(self, bucket: str, existing: dict, changed: dict, item: NewArticle, sha: str) -> AddResult:
        record = Article(id=item.id, title=item.title, source=item.source, sha256=sha,
                         length=len(item.text), meta=item.meta, added=now_iso(),
                         removed_controls=item.removed_controls).to_record()
        old = changed.get(item.id) or existing.get(item.id)
        if old is None:
            changed[item.id] = record
            return AddResult(item.id, "added")
        if old["sha256"] == sha:
            return AddResult(item.id, "unchanged")
        versions = [v for v in old.get("old_versions", []) if v != sha] + [old["sha256"]]
        record["old_versions"] = versions
        record["added"] = old.get("added", record["added"])
        changed[item.id] = record
        stale = self._table("claims", bucket).count((where("article_id") == item.id) & (where("text_sha256") != sha))
        return AddResult(item.id, "new version", stale)

    def article(self, article_id: str) -> Article | None:
        doc = self._table("corpus", bucket_of(article_id)).get(match(id=article_id))
        return None if doc is None else Article.from_record({**doc, "meta": copy_json(doc.get("meta", {}))})

    def articles(self) -> list[Article]:
        out = [Article.from_record(d) for d in self._scan("corpus")]
        out.sort(key=lambda a: a.id)
        return out

    def text(self, sha256: str) -> str:
        text = self._texts.get(sha256)  # texts are content-addressed: a cached one is always right
        if text is not None:
            return text
        path = self._text_path(sha256)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise StoreError(f"text {sha256[:12]} is missing from the store ({path})") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"text file {path} is unreadable ({exc.__class__.__name__})") from None
        if sha256_text(text) != sha256:
            raise StoreError(f"text file {path} does not match its SHA-256 (changed by hand?)")
        with self._mutex:
            self._texts[sha256] = text
            if len(self._texts) > 16:
                self._texts.popitem(last=False)
        return text

    def article_text(self, article: Article) -> str:
        return self.text(article.sha256)

    # -- claims -----------------------------------------------------------------------------

    def claims(self, article_id: str, annotator: str | None = None) -> list[Claim]:
        cond = match(article_id=article_id, **({} if annotator is None else {"annotator": annotator}))
        found = [Claim.from_record(d) for d in self._table("claims", bucket_of(article_id)).search(cond)]
        found.sort(key=lambda c: (c.start, c.end, c.created, c.id))
        return found

    def all_claims(self, annotator: str | None = None) -> Iterator[Claim]:
        for rec in self._scan("claims"):
            if annotator is None or rec.get("annotator") == annotator:
                yield Claim.from_record(rec)

    @staticmethod
    def new_claim_id() -> str:
        return uuid.uuid4().hex[:20]

    def save_claim(self, claim: Claim, *, keep_times: bool = False) -> Claim:
        """Add or replace a claim (by id). Checks the offsets against the text it quotes.

        ``keep_times``: keep ``claim.updated`` if set (import: the record's own time)."""
        text = self.text(claim.text_sha256)
        if not (0 <= claim.start < claim.end <= len(text)):
            raise StoreError(f"claim {claim.id}: span {claim.start}-{claim.end} is outside the text (length {len(text)})")
        if text[claim.start:claim.end] != claim.quote:
            raise StoreError(f"claim {claim.id}: quote does not match text[{claim.start}:{claim.end}]")
        bucket = bucket_of(claim.article_id)
        with self._change(bucket):
            claims, states = self._table("claims", bucket), self._table("states", bucket)
            before = claims.get(match(id=claim.id))
            if before is not None and before.get("article_id") != claim.article_id:
                raise StoreError(f"claim id {claim.id} is taken by a claim of article {before.get('article_id')}")
            stamp = now_iso()
            claim = replace(claim, created=(before or {}).get("created") or claim.created or stamp,
                            updated=claim.updated if keep_times and claim.updated else stamp)
            record = claim.to_record()
            put(claims, before, record)
            who = {claim.annotator} | ({before.get("annotator")} if before else set())
            recount(claims, states, claim.article_id, who, stamp)  # reads the states file: both readable
            self._log(claim.annotator, "claim.put", claim.id, _plain(before), record)
        return claim

    def delete_claim(self, article_id: str, claim_id: str, annotator: str) -> Claim | None:
        bucket = bucket_of(article_id)
        with self._change(bucket):
            claims, states = self._table("claims", bucket), self._table("states", bucket)
            before = claims.get(match(id=claim_id, article_id=article_id))
            if before is None:
                return None
            claims.remove(doc_ids=[before.doc_id])
            recount(claims, states, article_id, {before.get("annotator")}, now_iso())
            self._log(annotator, "claim.delete", claim_id, _plain(before), None)
        return Claim.from_record(before)

    # -- article states -----------------------------------------------------------------------

    def state(self, article_id: str, annotator: str) -> ArticleState:
        doc = self._table("states", bucket_of(article_id)).get(match(article_id=article_id, annotator=annotator))
        return _state_copy(doc) if doc else ArticleState(article_id, annotator)

    def set_state(self, article_id: str, annotator: str, *, status: str | None = None,
                  labels: dict[str, list[str]] | None = None) -> ArticleState:
        fields: dict[str, Any] = {}
        if status is not None:
            if status not in STATUSES:
                raise StoreError(f"unknown status {status!r} (one of: {', '.join(STATUSES)})")
            fields["status"] = status
        if labels is not None:
            if not isinstance(labels, dict) or not all(
                    isinstance(k, str) and isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v)
                    for k, v in labels.items()):
                raise StoreError(f"article labels must map label sets to lists of values, not {labels!r}")
            fields["labels"] = {k: list(v) for k, v in labels.items()}
        bucket = bucket_of(article_id)
        with self._change(bucket):
            states = self._table("states", bucket)
            before = states.get(match(article_id=article_id, annotator=annotator))
            record = ArticleState(article_id, annotator).to_record() if before is None else copy_json(before)
            record.update(fields, updated=now_iso())
            put(states, before, record)
            self._log(annotator, "state.put", f"{article_id}/{annotator}", _plain(before), record)
        return _state_copy(record)

    def states(self, annotator: str | None = None) -> list[ArticleState]:
        return [ArticleState.from_record(rec) for rec in self._scan("states")
                if annotator is None or rec.get("annotator") == annotator]

    def annotators(self) -> list[str]:
        return sorted({s.annotator for s in self.states()})

    def progress(self, annotator: str) -> list[Progress]:
        states = {s.article_id: s for s in self.states(annotator)}
        todo = ArticleState("", annotator)
        return [Progress(art, (st := states.get(art.id, todo)).status, st.n_claims) for art in self.articles()]

    # -- checks ---------------------------------------------------------------------------------

    def stale_claims(self, annotator: str | None = None) -> list[Claim]:
        """Claims made on a text that is no longer the article's current text."""
        current = {a.id: a.sha256 for a in self.articles()}
        return [c for c in self.all_claims(annotator) if current.get(c.article_id) != c.text_sha256]

    def check(self, repair: bool = False) -> list[str]:
        """Problems found in the store, one line each (empty: the store is valid).

        ``repair``: fix what can be fixed safely (claim counts left stale by a crash, orphan temp files)."""
        from .store_check import check_store  # it uses this module

        return check_store(self, repair)


def recount(claims: Table, states: Table, article_id: str, annotators: set[str], stamp: str,
            create: bool = False) -> None:
    """Bring the claim count (and "todo" -> "in progress") of each annotator's state of the article up
    to date with ``claims``; ``create``: write a state record even for no claims."""
    for annotator in annotators:
        cond = match(article_id=article_id, annotator=annotator)
        n = claims.count(cond)
        old = states.get(cond)
        status = (old or {}).get("status", "todo")
        if status == "todo" and n:
            status = "in progress"
        if old is None:
            if n or create:
                states.insert({**ArticleState(article_id, annotator).to_record(), "n_claims": n, "status": status,
                               "updated": stamp})
        elif old.get("n_claims") != n or old.get("status") != status:
            states.update({"n_claims": n, "status": status, "updated": stamp}, doc_ids=[old.doc_id])


def _plain(doc: Document | None) -> dict[str, Any] | None:
    return None if doc is None else dict(doc)


def _state_copy(rec: dict[str, Any]) -> ArticleState:
    return ArticleState.from_record({**rec, "labels": {k: list(v) for k, v in rec.get("labels", {}).items()}})
