"""The claimtag store: TinyDB JSON files under one folder, safe for several processes.

Layout (every file is JSON or text a person can read)::

    STORE/claimtag-store.json      schema version of the store
    STORE/corpus/<bb>.json         article records (table "articles"), by bucket
    STORE/texts/<sh>/<sha256>.txt  article texts, content-addressed, never changed
    STORE/claims/<bb>.json         claims of all annotators (table "claims"), by bucket
    STORE/states/<bb>.json         per (article, annotator): status, labels, claim count
    STORE/review/<bb>.json         the reviewers' decisions behind the gold layer (table "decisions")
    STORE/log/<annotator>.jsonl    append-only log of every change (before/after, UNIX user, applied)
    STORE/links/<bb>.json          links between claims of two articles (table "links"), by first article
    STORE/cache/sentences/<sha>.json  sentence offsets, derived, safe to delete
    STORE/cache/features/<sha>.json   what the aligner counts of each sentence (compare/features.py), same
    STORE/cache/terms/<xx>.json       each text's term counts for "most similar" (compare/similar.py), same
    STORE/claimtag-store.lock      the bucket locks (a POSIX record lock per bucket byte)

An article's records live in bucket ``<bb>`` (two hex digits of a hash of its
id, 256 buckets), so one save rewrites two small files, not the whole store.
Old texts are kept when an article changes: a claim stays attached to the text
it was made on (``text_sha256``) and is reported as stale, never shifted.

Each bucket file is a TinyDB (``StoreDB(path, storage=AtomicJSONStorage)``, cached
per file); every read and write is a ``db.table(name, cache_size=0)`` operation.
Those tables (``store_db.FreshTable``) keep no query cache and no next-id counter
(both would go stale when another process writes) and the storage re-reads a file
another process replaced. A change is one read-modify-write of a bucket's files
under the bucket's lock (``lock.py``) in one ``batch()``: tables read and
changed, the change's log lines appended (fsynced), then the files replaced
together (durable) before the call returns, then the log's "applied" marker.
A crash between the claims and the states file leaves stale claim counts, one
between the log and the files an entry without its marker: ``check(repair=True)``
settles both. No link inside the store is followed (``fs.py``).
Records handed out are copies: changing them never changes the store.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from ..errors import BadRecord, StoreError
from ..fileio import atomic_write_many, read_regular
from ..models import (
    AddResult,
    Article,
    ArticleState,
    Claim,
    Decision,
    Link,
    NewArticle,
    Progress,
    StateChange,
    claim_order,
    now_iso,
    record_problem,
    span_problem,
)
from ..text.normalize import sha256_text
from .buckets import BucketChange, Buckets, bucket_of
from .counts import recount
from .create import STORE_MARKER, STORE_SCHEMA_VERSION, create_store
from .db import match, put
from .files import copy_json, read_json_file
from .fs import StoreFS, write_error
from .gold import GoldChange, apply_gold
from .links import LinkCache, put_link, remove_link
from .writes import merge_article, plain, put_state, save_group, state_fields

R = TypeVar("R")


class Store:
    def __init__(self, root: str | os.PathLike[str], *, create: bool = True):
        self.root = Path(root)
        marker = self.root / STORE_MARKER
        if not os.path.lexists(marker):
            if not create:
                raise StoreError(f"no claimtag store at {self.root}")
            create_store(self.root)
        info = read_json_file(marker)
        version = info.get("schema_version") if isinstance(info, dict) else None
        if version != STORE_SCHEMA_VERSION:
            raise StoreError(f"{marker}: store schema version {version!r}, this claimtag reads {STORE_SCHEMA_VERSION}")
        self.fs = StoreFS(self.root)
        self.fs.check_layout()
        self.buckets = Buckets(self.root, self.fs)
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._links = LinkCache(self.root / "links")  # read again only when a links file changed
        self._mutex = threading.Lock()  # for the text cache (an app may use a Store from threads)

    @property
    def skipped(self) -> dict[str, str]:
        """Store files and records the last scans left out (unreadable, or records of the wrong shape):
        name -> reason. The app and every command say so; ``claimtag check`` names them all."""
        return self.buckets.skipped

    # -- plumbing -------------------------------------------------------------------------

    def change(self, article_id: str) -> AbstractContextManager[BucketChange]:
        """``Buckets.change`` for the bucket of ``article_id``: several tables changed atomically under one
        lock (``with store.change(aid) as ch: ch.table("claims") ...; ch.log(...)``)."""
        return self.buckets.change(bucket_of(article_id))

    def signature(self) -> tuple[int, ...]:
        """Changes whenever any process saved anything (cheap to poll)."""
        sig: list[int] = []
        for kind in ("corpus", "claims", "states", "review", "links", "log"):
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

    def add_articles(self, items: Iterable[NewArticle], actor: str = "claimtag",
                     progress: Callable[[int], None] | None = None) -> list[AddResult]:
        """Add articles (or new versions of them): one change per bucket; ``progress(n)`` after each."""
        by_bucket: dict[str, list[tuple[NewArticle, str]]] = {}  # (article, its text's SHA-256)
        for item in items:
            by_bucket.setdefault(bucket_of(item.id), []).append((item, sha256_text(item.text)))
        results: list[AddResult] = []
        todo: dict[str, list[tuple[NewArticle, str]]] = {}
        for bucket, group in sorted(by_bucket.items()):
            stored = {doc.get("id"): doc.get("sha256") for doc in self.buckets.table("corpus", bucket).all()}
            if all(stored.get(item.id) == sha for item, sha in group):
                # all there already (`claimtag PATH` on every start): no lock, no write
                results += [AddResult(item.id, "unchanged") for item, _ in group]
            else:
                todo[bucket] = group
        # texts first, all at once (one sync round): a record never points at a missing text
        self._write_texts([(item.text, sha) for group in todo.values() for item, sha in group])
        for bucket, group in todo.items():
            with self.buckets.change(bucket) as change:
                corpus = change.table("corpus")
                existing = {doc.get("id"): doc for doc in corpus.all()}
                changed: dict[str, dict[str, Any]] = {}
                for item, sha in group:
                    results.append(merge_article(self.buckets.table("claims", bucket), existing, changed, item, sha))
                for aid, rec in changed.items():
                    if aid in existing:
                        put(corpus, existing[aid], rec)
                corpus.insert_multiple(rec for aid, rec in changed.items() if aid not in existing)
                for aid, rec in changed.items():
                    change.log(actor, "article.put", aid, plain(existing.get(aid)), rec)
            if progress is not None:
                progress(len(group))
        return results

    def _write_texts(self, texts: list[tuple[str, str]]) -> None:
        """Write the texts the store lacks (content-addressed: an existing one is never rewritten)."""
        todo: dict[Path, str] = {}
        for text, sha in texts:
            path = self._text_path(sha)
            if path not in todo and not os.path.lexists(path):
                todo[self.fs.parent(path)] = text
        if todo:
            try:
                atomic_write_many(todo.items(), self.fs.file_mode)
            except OSError as exc:
                raise write_error(exc, Path(exc.filename or self.root / "texts")) from None

    def article(self, article_id: str) -> Article | None:
        """The article (None if the store has none, or only a record of the wrong shape: noted in ``skipped``)."""
        doc = self.buckets.table("corpus", bucket_of(article_id)).get(match(id=article_id))
        if doc is None:
            return None
        return next(self._records(Article, [{**doc, "meta": copy_json(doc.get("meta", {}))}], "corpus"), None)

    def articles(self) -> list[Article]:
        return sorted(self._records(Article, self.buckets.scan("corpus"), "corpus"), key=lambda a: a.id)

    def _records(self, cls: type[R], docs: Iterable[dict[str, Any]], kind: str) -> Iterator[R]:
        """Records built from documents, lazily; a document of the wrong shape (a hand edit) is left out
        and noted in ``skipped`` by its bucket and id, so the rest of the store stays usable."""
        from_record = cls.from_record  # type: ignore[attr-defined]
        for doc in docs:
            try:
                yield from_record(doc)
            except BadRecord as exc:
                self.buckets.skipped[f"{kind} record {_ident(doc)}"] = str(exc)

    def text(self, sha256: str) -> str:
        text = self._texts.get(sha256)  # texts are content-addressed: a cached one is always right
        if text is not None:
            return text
        path = self._text_path(sha256)
        try:
            raw = read_regular(path)
            if raw is None:
                raise StoreError(f"text {sha256[:12]} is missing from the store ({path})")
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"text file {path} is unreadable ({exc.__class__.__name__})") from None
        if sha256_text(text) != sha256:
            raise StoreError(f"text file {path} does not match its SHA-256 (changed by hand?)")
        with self._mutex:
            self._texts[sha256] = text
            if len(self._texts) > 16:
                self._texts.popitem(last=False)
        return text

    def sentences(self, sha256: str, text: str) -> list[tuple[int, int]]:
        """The sentence spans of a text, cached in ``cache/sentences/`` (computed if the cache cannot be used)."""
        from ..text.sentences import cached_sentence_spans

        try:
            folder: Path | None = self.fs.folder("cache/sentences")
        except StoreError:
            folder = None  # a read-only store still gets its sentences, just not cached
        return cached_sentence_spans(folder, sha256, text, self.fs.file_mode)

    # -- claims -----------------------------------------------------------------------------

    def claims(self, article_id: str, annotator: str | None = None) -> list[Claim]:
        cond = match(article_id=article_id, **({} if annotator is None else {"annotator": annotator}))
        return sorted(self._records(Claim, self.buckets.table("claims", bucket_of(article_id)).search(cond), "claims"),
                      key=claim_order)

    def all_claims(self, annotator: str | None = None, buckets: Iterable[str] | None = None) -> Iterator[Claim]:
        """Every claim (of ``annotator``; of the articles in ``buckets`` (``bucket_of``), e.g. to share a
        pass between processes)."""
        files = None if buckets is None else [self.root / "claims" / f"{b}.json" for b in buckets]
        return self._records(Claim, (rec for rec in self.buckets.scan("claims", files)
                                     if annotator is None or rec.get("annotator") == annotator), "claims")

    @staticmethod
    def new_claim_id() -> str:
        return uuid.uuid4().hex[:20]

    def save_claim(self, claim: Claim, *, keep_times: bool = False) -> Claim:
        """Add or replace a claim (by id). Checks the offsets against the text it quotes.

        ``keep_times``: keep ``claim.updated`` if set (import: the record's own time)."""
        problem = span_problem(self.text(claim.text_sha256), claim.start, claim.end, claim.quote)
        if problem:
            raise StoreError(f"claim {claim.id}: {problem}")
        with self.change(claim.article_id) as change:
            return save_group(change, [claim], keep_times)[0]

    def save_many(self, claims: Sequence[Claim], states: Sequence[StateChange] = (), *, keep_times: bool = False,
                  progress: Callable[[int], None] | None = None) -> None:
        """Save many claims and state changes (an import): one change per bucket (one lock, one log write,
        one durable write of its files), not one per claim. Each claim is checked as ``save_claim`` checks
        it; a problem raises ``StoreError`` before its bucket is written (buckets written before stay).
        ``progress(n)``: called after each bucket with the number of claims and states it held."""
        for sc in states:
            state_fields(sc.status, sc.labels)
        by_bucket: dict[str, tuple[list[Claim], list[StateChange]]] = {}
        for claim in claims:
            by_bucket.setdefault(bucket_of(claim.article_id), ([], []))[0].append(claim)
        for sc in states:
            by_bucket.setdefault(bucket_of(sc.article_id), ([], []))[1].append(sc)
        for bucket, (group, changes) in sorted(by_bucket.items()):
            texts: dict[str, str] = {}
            for claim in group:
                text = texts.get(claim.text_sha256)
                if text is None:
                    text = texts[claim.text_sha256] = self.text(claim.text_sha256)
                problem = span_problem(text, claim.start, claim.end, claim.quote)
                if problem:
                    raise StoreError(f"claim {claim.id}: {problem}")
            with self.buckets.change(bucket) as change:
                save_group(change, group, keep_times)
                for sc in changes:
                    put_state(change, sc.article_id, sc.annotator, state_fields(sc.status, sc.labels))
            if progress is not None:
                progress(len(group) + len(changes))

    def delete_claim(self, article_id: str, claim_id: str, annotator: str) -> Claim | None:
        with self.change(article_id) as change:
            claims, states = change.table("claims"), change.table("states")
            before = claims.get(match(id=claim_id, article_id=article_id))
            if before is None:
                return None
            claims.remove(doc_ids=[before.doc_id])
            recount(claims, states, article_id, {str(before.get("annotator"))}, now_iso())
            change.log(annotator, "claim.delete", claim_id, plain(before), None)
        return Claim.from_record(before)

    # -- article states -----------------------------------------------------------------------

    def state(self, article_id: str, annotator: str) -> ArticleState:
        doc = self.buckets.table("states", bucket_of(article_id)).get(match(article_id=article_id, annotator=annotator))
        if doc is None or record_problem(ArticleState, doc):
            return ArticleState(article_id, annotator)
        return _state_copy(doc)

    def set_state(self, article_id: str, annotator: str, *, status: str | None = None,
                  labels: dict[str, list[str]] | None = None) -> ArticleState:
        fields = state_fields(status, labels)
        with self.change(article_id) as change:
            record = put_state(change, article_id, annotator, fields)
        return _state_copy(record)

    def states_of(self, article_id: str) -> list[ArticleState]:
        """Every layer's state of one article (each annotator's and gold's)."""
        docs = self.buckets.table("states", bucket_of(article_id)).search(match(article_id=article_id))
        return sorted(self._records(ArticleState, (copy_json(dict(d)) for d in docs), "states"), key=lambda s: s.annotator)

    def states(self, annotator: str | None = None) -> list[ArticleState]:
        return list(self._records(ArticleState, (rec for rec in self.buckets.scan("states")
                                                 if annotator is None or rec.get("annotator") == annotator), "states"))

    def annotators(self) -> list[str]:
        return sorted({s.annotator for s in self.states()})

    def progress(self, annotator: str) -> list[Progress]:
        states = {s.article_id: s for s in self.states(annotator)}
        todo = ArticleState("", annotator)
        return [Progress(art, (st := states.get(art.id, todo)).status, st.n_claims) for art in self.articles()]

    # -- the gold layer -------------------------------------------------------------------------

    def decisions(self, article_id: str) -> list[Decision]:
        """The reviewers' decisions on one article (``review/units.py`` says what they decide on)."""
        docs = self.buckets.table("review", bucket_of(article_id)).search(match(article_id=article_id))
        return sorted(self._records(Decision, [dict(d) for d in docs], "review"), key=lambda d: (d.start, d.end, d.id))

    def all_decisions(self) -> list[Decision]:
        return list(self._records(Decision, self.buckets.scan("review"), "review"))

    def apply_gold(self, step: GoldChange, reviewer: str) -> None:
        """One review step on one article, atomically (gold claims, decisions, the gold state)."""
        for claim in step.claims_in:
            problem = span_problem(self.text(claim.text_sha256), claim.start, claim.end, claim.quote)
            if problem:
                raise StoreError(f"gold claim {claim.id}: {problem}")
        with self.change(step.article_id) as change:
            apply_gold(change, step, reviewer)

    # -- links between claims of two articles ----------------------------------------------------

    def save_link(self, link: Link) -> Link:
        """Add or replace a link (by id); both claims must exist, as the annotator's, on current texts."""
        for aid, cid in ((link.article_id, link.claim_id), (link.other_article_id, link.other_claim_id)):
            if not any(c.id == cid for c in self.claims(aid, link.annotator)):
                raise StoreError(f"link {link.id}: {link.annotator} has no claim {cid} in article {aid}")
        if link.article_id == link.other_article_id:
            raise StoreError("a link joins claims of two different articles")
        saved = replace(link, created=link.created or now_iso())
        with self.change(link.article_id) as change:
            put_link(change, saved)
        return saved

    def delete_link(self, link: Link) -> bool:
        with self.change(link.article_id) as change:
            return remove_link(change, link)

    def all_links(self, annotator: str | None = None) -> list[Link]:
        """Every link (of ``annotator``), both ends: a link lives in its first article's bucket only."""
        links = self._links.links(lambda: self._records(Link, self.buckets.scan("links"), "links"))
        return [x for x in links if annotator is None or x.annotator == annotator]

    # -- checks ---------------------------------------------------------------------------------

    def stale_claims(self, annotator: str | None = None) -> list[Claim]:
        """Claims made on a text that is no longer the article's current text."""
        current = {a.id: a.sha256 for a in self.articles()}
        return [c for c in self.all_claims(annotator) if current.get(c.article_id) != c.text_sha256]

    def check(self, repair: bool = False) -> list[str]:
        """Problems found in the store, one line each (empty: the store is valid).

        ``repair``: fix what can be fixed safely (claim counts left stale by a crash, orphan temp files)."""
        from .check import check_store

        return check_store(self.buckets, self.text, repair)


def _ident(doc: Any) -> str:
    if not isinstance(doc, dict):
        return "?"
    return str(doc.get("id") or f"{doc.get('article_id')}/{doc.get('annotator')}")[:60]


def _state_copy(rec: dict[str, Any]) -> ArticleState:
    return ArticleState.from_record({**rec, "labels": {k: list(v) for k, v in rec.get("labels", {}).items()}})
