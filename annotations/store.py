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
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tinydb import where

from .models import Article, ArticleState, Claim, Progress, now_iso
from .normalize import sha256_text
from .storage import (
    CorruptStoreFile,
    StoreError,
    atomic_write_text,
    open_db,
    read_json_file,
)

STORE_SCHEMA_VERSION = 1
STORE_MARKER = "claimtag-store.json"


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
            with FileLock(self.root / ".create.lock"):
                if not marker.exists():
                    record = {"schema_version": STORE_SCHEMA_VERSION, "created": now_iso()}
                    atomic_write_text(marker, json.dumps(record, indent=2) + "\n")
        info = read_json_file(marker)
        version = info.get("schema_version") if isinstance(info, dict) else None
        if version != STORE_SCHEMA_VERSION:
            raise StoreError(f"{marker}: store schema version {version!r}, this claimtag reads {STORE_SCHEMA_VERSION}")
        self._dbs: dict[Path, Any] = {}

    # -- plumbing -------------------------------------------------------------------------

    def _db(self, kind: str, bucket: str):
        path = self.root / kind / f"{bucket}.json"
        db = self._dbs.get(path)
        if db is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = self._dbs[path] = open_db(path)
        return db

    def _lock(self, bucket: str) -> FileLock:
        folder = self.root / "locks"
        folder.mkdir(exist_ok=True)
        return FileLock(folder / f"{bucket}.lock", timeout=30)

    def _locked(self, bucket: str) -> FileLock:
        lock = self._lock(bucket)
        try:
            lock.acquire()
        except Timeout:
            raise StoreError(f"store bucket {bucket} stayed locked for 30 s (another claimtag stuck?)") from None
        return lock

    def _log(self, annotator: str, op: str, key: str, before: Any, after: Any) -> None:
        """Append one change to the annotator's log, durably, before the change is made."""
        entry = {"ts": now_iso(), "annotator": annotator, "pid": os.getpid(), "op": op, "key": key,
                 "before": before, "after": after}
        folder = self.root / "log"
        folder.mkdir(exist_ok=True)
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        fd = os.open(folder / f"{_safe_name(annotator)}.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, line)  # one write() with O_APPEND: lines of several processes never interleave
            os.fsync(fd)
        finally:
            os.close(fd)

    def _bucket_files(self, kind: str) -> list[Path]:
        folder = self.root / kind
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.glob("*.json"))

    def signature(self) -> tuple[int, ...]:
        """Changes whenever any process saved anything (cheap to poll)."""
        sig: list[int] = []
        for kind in ("corpus", "claims", "states"):
            try:
                st = os.stat(self.root / kind)
                sig += [st.st_mtime_ns, st.st_ino]
            except FileNotFoundError:
                sig += [0, 0]
        return tuple(sig)

    # -- corpus -----------------------------------------------------------------------------

    def _text_path(self, sha: str) -> Path:
        return self.root / "texts" / sha[:2] / f"{sha}.txt"

    def add_articles(self, items: Iterable[NewArticle], actor: str = "claimtag") -> list[AddResult]:
        by_bucket: dict[str, list[NewArticle]] = {}
        for item in items:
            by_bucket.setdefault(bucket_of(item.id), []).append(item)
        results: list[AddResult] = []
        for bucket, group in sorted(by_bucket.items()):
            for item in group:  # texts first: a record never points at a missing text
                sha = sha256_text(item.text)
                path = self._text_path(sha)
                if not path.exists():
                    atomic_write_text(path, item.text)
            lock = self._locked(bucket)
            try:
                table = self._db("corpus", bucket).table("articles")
                existing = {doc["id"]: doc for doc in table.all()}
                changed: dict[str, dict[str, Any]] = {}
                for item in group:
                    results.append(self._merge_article(bucket, existing, changed, item))
                if changed:
                    for rec in changed.values():
                        self._log(actor, "article.put", rec["id"], None, {k: v for k, v in rec.items()})
                    self._put_many(table, changed)
            finally:
                lock.release()
        return results

    def _merge_article(self, bucket: str, existing: dict, changed: dict, item: NewArticle) -> AddResult:
        sha = sha256_text(item.text)
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
        stale = sum(1 for c in self._db("claims", bucket).table("claims").search(where("article_id") == item.id)
                    if c["text_sha256"] != sha)
        return AddResult(item.id, "new version", stale)

    @staticmethod
    def _put_many(table, records: dict[str, dict[str, Any]]) -> None:
        """Insert or replace records keyed by their "id": one write for new ones, one for changed ones."""
        known = {doc["id"] for doc in table.all()}
        changed = [(_replace_with(rec), where("id") == rid) for rid, rec in records.items() if rid in known]
        new = [rec for rid, rec in records.items() if rid not in known]
        if changed:
            table.update_multiple(changed)
        if new:
            table.insert_multiple(new)

    def article(self, article_id: str) -> Article | None:
        docs = self._db("corpus", bucket_of(article_id)).table("articles").search(where("id") == article_id)
        return Article.from_record(docs[0]) if docs else None

    def articles(self) -> list[Article]:
        out: list[Article] = []
        for path in self._bucket_files("corpus"):
            data = self._read_bucket(path)
            out.extend(Article.from_record(d) for d in data.get("articles", {}).values())
        out.sort(key=lambda a: a.id)
        return out

    def text(self, sha256: str) -> str:
        path = self._text_path(sha256)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise StoreError(f"text {sha256[:12]} is missing from the store ({path})") from None

    def article_text(self, article: Article) -> str:
        return self.text(article.sha256)

    def _read_bucket(self, path: Path) -> dict[str, dict[str, Any]]:
        data = read_json_file(path)
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise CorruptStoreFile(path, "not a JSON object", None)
        return data

    # -- claims -----------------------------------------------------------------------------

    def claims(self, article_id: str, annotator: str | None = None) -> list[Claim]:
        table = self._db("claims", bucket_of(article_id)).table("claims")
        cond = where("article_id") == article_id
        if annotator is not None:
            cond &= where("annotator") == annotator
        found = [Claim.from_record(d) for d in table.search(cond)]
        found.sort(key=lambda c: (c.start, c.end, c.created, c.id))
        return found

    def all_claims(self, annotator: str | None = None) -> Iterator[Claim]:
        for path in self._bucket_files("claims"):
            for rec in self._read_bucket(path).get("claims", {}).values():
                if annotator is None or rec.get("annotator") == annotator:
                    yield Claim.from_record(rec)

    @staticmethod
    def new_claim_id() -> str:
        return uuid.uuid4().hex[:20]

    def save_claim(self, claim: Claim) -> Claim:
        """Add or replace a claim (by id). Checks the offsets against the text it quotes."""
        text = self.text(claim.text_sha256)
        if not (0 <= claim.start < claim.end <= len(text)):
            raise StoreError(f"claim {claim.id}: span {claim.start}-{claim.end} is outside the text (length {len(text)})")
        if text[claim.start:claim.end] != claim.quote:
            raise StoreError(f"claim {claim.id}: quote does not match text[{claim.start}:{claim.end}]")
        bucket = bucket_of(claim.article_id)
        lock = self._locked(bucket)
        try:
            table = self._db("claims", bucket).table("claims")
            old = table.search(where("id") == claim.id)
            before = old[0] if old else None
            stamp = now_iso()
            claim = replace(claim, created=(before or {}).get("created") or claim.created or stamp, updated=stamp)
            record = claim.to_record()
            self._log(claim.annotator, "claim.put", claim.id, before, record)
            if old:
                table.update(record, doc_ids=[old[0].doc_id])
            else:
                table.insert(record)
            self._recount(bucket, claim.article_id, claim.annotator, table)
        finally:
            lock.release()
        return claim

    def delete_claim(self, article_id: str, claim_id: str, annotator: str) -> Claim | None:
        bucket = bucket_of(article_id)
        lock = self._locked(bucket)
        try:
            table = self._db("claims", bucket).table("claims")
            old = table.search(where("id") == claim_id)
            if not old:
                return None
            self._log(annotator, "claim.delete", claim_id, dict(old[0]), None)
            table.remove(doc_ids=[old[0].doc_id])
            self._recount(bucket, article_id, annotator, table)
            return Claim.from_record(old[0])
        finally:
            lock.release()

    def _recount(self, bucket: str, article_id: str, annotator: str, claims_table) -> None:
        n = claims_table.count((where("article_id") == article_id) & (where("annotator") == annotator))
        state = self._state_doc(bucket, article_id, annotator)
        status = state.get("status", "todo")
        if status == "todo" and n:
            status = "in progress"
        self._put_state(bucket, article_id, annotator, {"n_claims": n, "status": status}, log=False)

    # -- article states -----------------------------------------------------------------------

    def _state_doc(self, bucket: str, article_id: str, annotator: str) -> dict[str, Any]:
        found = self._db("states", bucket).table("states").search(
            (where("article_id") == article_id) & (where("annotator") == annotator))
        return dict(found[0]) if found else {}

    def _put_state(self, bucket: str, article_id: str, annotator: str, fields: dict[str, Any], log: bool) -> ArticleState:
        table = self._db("states", bucket).table("states")
        cond = (where("article_id") == article_id) & (where("annotator") == annotator)
        found = table.search(cond)
        before = dict(found[0]) if found else None
        record = ArticleState(article_id, annotator).to_record() if before is None else dict(before)
        record.update(fields, updated=now_iso())
        if log:
            self._log(annotator, "state.put", f"{article_id}/{annotator}", before, record)
        if found:
            table.update(record, doc_ids=[found[0].doc_id])
        else:
            table.insert(record)
        return ArticleState.from_record(record)

    def state(self, article_id: str, annotator: str) -> ArticleState:
        doc = self._state_doc(bucket_of(article_id), article_id, annotator)
        return ArticleState.from_record(doc) if doc else ArticleState(article_id, annotator)

    def set_state(self, article_id: str, annotator: str, *, status: str | None = None,
                  labels: dict[str, list[str]] | None = None) -> ArticleState:
        fields: dict[str, Any] = {}
        if status is not None:
            fields["status"] = status
        if labels is not None:
            fields["labels"] = {k: list(v) for k, v in labels.items()}
        bucket = bucket_of(article_id)
        lock = self._locked(bucket)
        try:
            return self._put_state(bucket, article_id, annotator, fields, log=True)
        finally:
            lock.release()

    def states(self, annotator: str | None = None) -> list[ArticleState]:
        out = []
        for path in self._bucket_files("states"):
            for rec in self._read_bucket(path).get("states", {}).values():
                if annotator is None or rec.get("annotator") == annotator:
                    out.append(ArticleState.from_record(rec))
        return out

    def annotators(self) -> list[str]:
        return sorted({s.annotator for s in self.states()})

    def progress(self, annotator: str) -> list[Progress]:
        states = {s.article_id: s for s in self.states(annotator)}
        out = []
        for art in self.articles():
            st = states.get(art.id)
            out.append(Progress(art, st.status if st else "todo", st.n_claims if st else 0))
        return out

    # -- checks ---------------------------------------------------------------------------------

    def stale_claims(self, annotator: str | None = None) -> list[Claim]:
        """Claims made on a text that is no longer the article's current text."""
        current = {a.id: a.sha256 for a in self.articles()}
        return [c for c in self.all_claims(annotator) if current.get(c.article_id) != c.text_sha256]

    def check(self, repair: bool = False) -> list[str]:
        """Problems found in the store, one line each (empty: the store is valid)."""
        problems: list[str] = []
        for kind in ("corpus", "claims", "states"):
            for path in self._bucket_files(kind):
                try:
                    self._read_bucket(path)
                except CorruptStoreFile as exc:
                    problems.append(str(exc))
        if problems:
            return problems
        counts: dict[tuple[str, str], int] = {}
        for c in self.all_claims():
            try:
                text = self.text(c.text_sha256)
            except StoreError as exc:
                problems.append(str(exc))
                continue
            if text[c.start:c.end] != c.quote:
                problems.append(f"claim {c.id} of {c.article_id}: quote does not match its text")
            counts[(c.article_id, c.annotator)] = counts.get((c.article_id, c.annotator), 0) + 1
        for s in self.states():
            want = counts.pop((s.article_id, s.annotator), 0)
            if s.n_claims != want:
                problems.append(f"{s.article_id}/{s.annotator}: claim count {s.n_claims}, found {want}")
                if repair:
                    self._repair_count(s.article_id, s.annotator)
        for (aid, ann), n in counts.items():
            problems.append(f"{aid}/{ann}: {n} claims but no state record")
            if repair:
                self._repair_count(aid, ann)
        return problems

    def _repair_count(self, article_id: str, annotator: str) -> None:
        bucket = bucket_of(article_id)
        lock = self._locked(bucket)
        try:
            self._recount(bucket, article_id, annotator, self._db("claims", bucket).table("claims"))
        finally:
            lock.release()


def _replace_with(record: dict[str, Any]):
    """A TinyDB update operation that makes the document equal to ``record``."""

    def transform(doc: dict) -> None:
        doc.clear()
        doc.update(record)

    return transform


def _safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "_"
