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

Every change is one read-modify-write of a bucket's files under the bucket's
lock (``locks/<bb>.lock``): read the files fresh (``AtomicJSONStorage.snapshot``),
append the change to the log (fsynced), write the new files (fsynced, replaced
atomically). The files are TinyDB's format, but the store does not go through
TinyDB's ``Table``: its query cache and next-id counter live in one process and
would serve stale results or reuse a document id another process just took.
Records handed out are copies: changing them never changes the store.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import MISSING, dataclass, fields, replace
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from .models import STATUSES, Article, ArticleState, Claim, Progress, now_iso
from .normalize import sha256_text
from .storage import (FILE_MODE, AtomicJSONStorage, CorruptStoreFile, StoreError, Tables, atomic_write_text,
                      read_json_file, write_together)

STORE_SCHEMA_VERSION = 1
STORE_MARKER = "claimtag-store.json"
TABLES = {"corpus": "articles", "claims": "claims", "states": "states"}  # folder -> TinyDB table
CACHED_FILES = 48  # bucket files whose parse a Store keeps (LRU): the articles being worked on


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
            with FileLock(self.root / ".create.lock", mode=FILE_MODE):
                if not marker.exists():
                    record = {"schema_version": STORE_SCHEMA_VERSION, "created": now_iso()}
                    atomic_write_text(marker, json.dumps(record, indent=2) + "\n")
        info = read_json_file(marker)
        version = info.get("schema_version") if isinstance(info, dict) else None
        if version != STORE_SCHEMA_VERSION:
            raise StoreError(f"{marker}: store schema version {version!r}, this claimtag reads {STORE_SCHEMA_VERSION}")
        self._files: OrderedDict[Path, AtomicJSONStorage] = OrderedDict()
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._mutex = threading.Lock()  # for the two caches above (an app may use a Store from threads)

    # -- plumbing -------------------------------------------------------------------------

    def _file(self, kind: str, bucket: str) -> AtomicJSONStorage:
        path = self.root / kind / f"{bucket}.json"
        with self._mutex:
            storage = self._files.get(path)
            if storage is None:
                storage = self._files[path] = AtomicJSONStorage(path)
                if len(self._files) > CACHED_FILES:
                    self._files.popitem(last=False)
            else:
                self._files.move_to_end(path)
            return storage

    def _table(self, kind: str, bucket: str) -> tuple[AtomicJSONStorage, Tables, dict[str, dict[str, Any]]]:
        """A bucket file as it is now on disk: (storage, its tables, its documents). Read-only."""
        storage = self._file(kind, bucket)
        data = storage.snapshot() or {}
        return storage, data, data.get(TABLES[kind], {})

    @staticmethod
    def _with(data: Tables, kind: str, docs: dict[str, dict[str, Any]]) -> Tables:
        return {**data, TABLES[kind]: docs}

    @contextmanager
    def _locked(self, bucket: str) -> Iterator[None]:
        folder = self.root / "locks"
        folder.mkdir(exist_ok=True)
        lock = FileLock(folder / f"{bucket}.lock", timeout=30, mode=FILE_MODE)
        try:
            lock.acquire()
        except Timeout:
            raise StoreError(f"store bucket {bucket} stayed locked for 30 s (another claimtag stuck?)") from None
        try:
            yield
        finally:
            lock.release()

    def _log(self, annotator: str, op: str, key: str, before: Any, after: Any) -> None:
        """Append one change to the annotator's log, durably, before the change is made."""
        entry = {"ts": now_iso(), "annotator": annotator, "pid": os.getpid(), "op": op, "key": key,
                 "before": before, "after": after}
        folder = self.root / "log"
        folder.mkdir(exist_ok=True)
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        fd = os.open(folder / f"{_safe_name(annotator)}.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
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

    def _all_docs(self, kind: str) -> Iterator[dict[str, Any]]:
        """Every document of one kind, read fresh from disk (not kept: the caller owns them)."""
        for path in self._bucket_files(kind):
            yield from (read_json_file(path, tables=True) or {}).get(TABLES[kind], {}).values()

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
        by_bucket: dict[str, list[NewArticle]] = {}
        for item in items:
            by_bucket.setdefault(bucket_of(item.id), []).append(item)
        results: list[AddResult] = []
        for bucket, group in sorted(by_bucket.items()):
            for item in group:  # texts first: a record never points at a missing text
                path = self._text_path(sha256_text(item.text))
                if not path.exists():
                    atomic_write_text(path, item.text)
            with self._locked(bucket):
                storage, data, docs = self._table("corpus", bucket)
                existing = {doc["id"]: (key, doc) for key, doc in docs.items()}
                changed: dict[str, dict[str, Any]] = {}
                for item in group:
                    results.append(self._merge_article(bucket, existing, changed, item))
                if changed:
                    new = dict(docs)
                    for aid, rec in changed.items():
                        key, before = existing.get(aid, (None, None))
                        self._log(actor, "article.put", aid, before, rec)
                        new[key or _next_id(new)] = rec
                    write_together([(storage, self._with(data, "corpus", new))])
        return results

    def _merge_article(self, bucket: str, existing: dict, changed: dict, item: NewArticle) -> AddResult:
        sha = sha256_text(item.text)
        record = Article(id=item.id, title=item.title, source=item.source, sha256=sha,
                         length=len(item.text), meta=item.meta, added=now_iso(),
                         removed_controls=item.removed_controls).to_record()
        old = changed.get(item.id) or existing.get(item.id, (None, None))[1]
        if old is None:
            changed[item.id] = record
            return AddResult(item.id, "added")
        if old["sha256"] == sha:
            return AddResult(item.id, "unchanged")
        versions = [v for v in old.get("old_versions", []) if v != sha] + [old["sha256"]]
        record["old_versions"] = versions
        record["added"] = old.get("added", record["added"])
        changed[item.id] = record
        claims = self._table("claims", bucket)[2].values()
        stale = sum(1 for c in claims if c.get("article_id") == item.id and c.get("text_sha256") != sha)
        return AddResult(item.id, "new version", stale)

    def article(self, article_id: str) -> Article | None:
        for doc in self._table("corpus", bucket_of(article_id))[2].values():
            if doc.get("id") == article_id:
                return Article.from_record({**doc, "meta": copy.deepcopy(doc.get("meta", {}))})
        return None

    def articles(self) -> list[Article]:
        out = [Article.from_record(d) for d in self._all_docs("corpus")]
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
        found = [Claim.from_record(d) for d in self._table("claims", bucket_of(article_id))[2].values()
                 if d.get("article_id") == article_id and (annotator is None or d.get("annotator") == annotator)]
        found.sort(key=lambda c: (c.start, c.end, c.created, c.id))
        return found

    def all_claims(self, annotator: str | None = None) -> Iterator[Claim]:
        for rec in self._all_docs("claims"):
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
        with self._locked(bucket):
            claims_file, claims_data, docs = self._table("claims", bucket)
            states_file, states_data, states = self._table("states", bucket)  # both readable before any write
            key, before = _find(docs, id=claim.id)
            if before is not None and before.get("article_id") != claim.article_id:
                raise StoreError(f"claim id {claim.id} is taken by a claim of article {before.get('article_id')}")
            stamp = now_iso()
            claim = replace(claim, created=(before or {}).get("created") or claim.created or stamp,
                            updated=claim.updated if keep_times and claim.updated else stamp)
            record = claim.to_record()
            new = {**docs, key or _next_id(docs): record}
            who = {claim.annotator} | ({before.get("annotator")} if before else set())
            writes = [(claims_file, self._with(claims_data, "claims", new))]
            new_states = _recounted(states, new, claim.article_id, who, stamp)
            if new_states is not None:
                writes.append((states_file, self._with(states_data, "states", new_states)))
            self._log(claim.annotator, "claim.put", claim.id, before, record)
            write_together(writes)
        return claim

    def delete_claim(self, article_id: str, claim_id: str, annotator: str) -> Claim | None:
        bucket = bucket_of(article_id)
        with self._locked(bucket):
            claims_file, claims_data, docs = self._table("claims", bucket)
            states_file, states_data, states = self._table("states", bucket)
            key, before = _find(docs, id=claim_id, article_id=article_id)
            if key is None:
                return None
            new = {k: d for k, d in docs.items() if k != key}
            writes = [(claims_file, self._with(claims_data, "claims", new))]
            new_states = _recounted(states, new, article_id, {before.get("annotator")}, now_iso())
            if new_states is not None:
                writes.append((states_file, self._with(states_data, "states", new_states)))
            self._log(annotator, "claim.delete", claim_id, before, None)
            write_together(writes)
        return Claim.from_record(before)

    # -- article states -----------------------------------------------------------------------

    def state(self, article_id: str, annotator: str) -> ArticleState:
        _, doc = _find(self._table("states", bucket_of(article_id))[2], article_id=article_id, annotator=annotator)
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
        with self._locked(bucket):
            storage, data, docs = self._table("states", bucket)
            key, before = _find(docs, article_id=article_id, annotator=annotator)
            record = ArticleState(article_id, annotator).to_record() if before is None else dict(before)
            record.update(fields, updated=now_iso())
            self._log(annotator, "state.put", f"{article_id}/{annotator}", before, record)
            write_together([(storage, self._with(data, "states", {**docs, key or _next_id(docs): record}))])
        return _state_copy(record)

    def states(self, annotator: str | None = None) -> list[ArticleState]:
        return [ArticleState.from_record(rec) for rec in self._all_docs("states")
                if annotator is None or rec.get("annotator") == annotator]

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
        """Problems found in the store, one line each (empty: the store is valid).

        ``repair``: fix what can be fixed safely (claim counts left stale by a crash)."""
        problems: list[str] = []
        docs: dict[str, list[tuple[str, dict[str, Any]]]] = {kind: [] for kind in TABLES}
        broken: set[str] = set()  # buckets with an unreadable file: their counts are not checked
        for kind, table in TABLES.items():
            for path in self._bucket_files(kind):
                try:
                    docs[kind] += [(path.stem, d) for d in (read_json_file(path, True) or {}).get(table, {}).values()]
                except CorruptStoreFile as exc:
                    problems.append(str(exc))
                    broken.add(path.stem)
        current = {rec["id"]: rec["sha256"] for _, rec in docs["corpus"]
                   if not _incomplete(rec, Article, f"article {rec.get('id')}", problems)}
        texts: dict[str, str | None] = {}
        counts: dict[tuple[str, str], int] = {}
        for bucket, rec in docs["claims"]:
            name = f"claim {rec.get('id')} of {rec.get('article_id')}"
            if _incomplete(rec, Claim, name, problems):
                continue
            if bucket != bucket_of(rec["article_id"]):
                problems.append(f"{name}: stored in claims/{bucket}.json, belongs in {bucket_of(rec['article_id'])}.json")
            if rec["article_id"] not in current:
                problems.append(f"{name}: no such article in the corpus")
            if rec["text_sha256"] not in texts:
                try:
                    texts[rec["text_sha256"]] = self.text(rec["text_sha256"])
                except StoreError as exc:
                    problems.append(str(exc))
                    texts[rec["text_sha256"]] = None
            text = texts[rec["text_sha256"]]
            if text is not None and text[rec["start"]:rec["end"]] != rec["quote"]:
                problems.append(f"{name}: quote does not match its text")
            key = (rec["article_id"], rec["annotator"])
            counts[key] = counts.get(key, 0) + 1
        for _, rec in docs["states"]:
            if _incomplete(rec, ArticleState, f"state of {rec.get('article_id')}", problems):
                continue
            key, n = (rec["article_id"], rec["annotator"]), rec.get("n_claims", 0)
            want = counts.pop(key, 0)
            if n != want and bucket_of(key[0]) not in broken:
                problems.append(f"{key[0]}/{key[1]}: claim count {n}, found {want}")
                if repair:
                    self._repair_count(*key)
        for (aid, ann), n in counts.items():
            problems.append(f"{aid}/{ann}: {n} claims but no state record")
            if repair:
                self._repair_count(aid, ann)
        temps = self._orphan_temps()
        if temps:
            problems.append(f"{len(temps)} temp file(s) left by interrupted writes, e.g. {temps[0]}")
        for tmp in temps if repair else []:
            tmp.unlink(missing_ok=True)
        return problems

    def _orphan_temps(self) -> list[Path]:
        """Temp files of writers killed mid-write (a live writer of a bucket holds the bucket's lock)."""
        out = []
        for kind in TABLES:
            for tmp in sorted((self.root / kind).glob(".*.json.*.tmp")):
                with self._locked(tmp.name[1:].split(".", 1)[0]):
                    out += [tmp] if tmp.exists() else []
        old = time.time() - 600  # texts are written without a lock: only old temp files are orphans for sure
        for tmp in self.root.glob("texts/*/.*.tmp"):
            try:
                out += [tmp] if tmp.stat().st_mtime < old else []
            except FileNotFoundError:
                pass
        return out

    def _repair_count(self, article_id: str, annotator: str) -> None:
        bucket = bucket_of(article_id)
        with self._locked(bucket):
            _, _, docs = self._table("claims", bucket)
            states_file, states_data, states = self._table("states", bucket)
            new_states = _recounted(states, docs, article_id, {annotator}, now_iso(), create=True)
            if new_states is not None:
                write_together([(states_file, self._with(states_data, "states", new_states))])


def _next_id(docs: dict[str, Any]) -> str:
    """TinyDB's next document id: one more than the largest (computed fresh: other processes add too)."""
    return str(max((int(k) for k in docs if k.isdigit()), default=0) + 1)


def _find(docs: dict[str, dict[str, Any]], **match: Any) -> tuple[str | None, dict[str, Any] | None]:
    for key, doc in docs.items():
        if all(doc.get(k) == v for k, v in match.items()):
            return key, doc
    return None, None


def _recounted(states: dict[str, dict[str, Any]], claims: dict[str, dict[str, Any]], article_id: str,
               annotators: set[str], stamp: str, create: bool = False) -> dict[str, dict[str, Any]] | None:
    """``states`` with the claim count (and "todo" -> "in progress") of each annotator on the article
    brought up to date; None if nothing changed."""
    out = None
    for annotator in annotators:
        n = sum(1 for c in claims.values() if c.get("article_id") == article_id and c.get("annotator") == annotator)
        key, old = _find(out or states, article_id=article_id, annotator=annotator)
        status = (old or {}).get("status", "todo")
        if status == "todo" and n:
            status = "in progress"
        if old is None and not n and not create:
            continue
        if old is not None and old.get("n_claims") == n and old.get("status") == status:
            continue
        record = ArticleState(article_id, annotator).to_record() if old is None else dict(old)
        record.update(n_claims=n, status=status, updated=stamp)
        out = dict(out or states)
        out[key or _next_id(out)] = record
    return out


def _state_copy(rec: dict[str, Any]) -> ArticleState:
    return ArticleState.from_record({**rec, "labels": {k: list(v) for k, v in rec.get("labels", {}).items()}})


def _incomplete(rec: dict[str, Any], cls: type, name: str, problems: list[str]) -> bool:
    """Report a record that lacks fields its dataclass requires (a hand edit gone wrong)."""
    missing = [f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING
               and f.name not in rec]
    if missing:
        problems.append(f"{name}: missing fields {', '.join(missing)}")
    return bool(missing)


def _safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "_"
