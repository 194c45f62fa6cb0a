"""``Store.check``: find (and with ``repair``, fix) what a crash, a killed writer or a hand edit left.

Every bucket file is read through a TinyDB of its own (``Buckets.read_file``), so one unreadable
file is reported and the rest is still checked. Repairs go through ``Buckets.change`` (the
bucket's lock, one durable write), like any other change.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import CorruptStoreFile, StoreError
from ..models import Article, ArticleState, Claim, Decision, Link, now_iso, record_problem, span_problem
from ..text.display import escaped
from .buckets import TABLES, Buckets, bucket_of
from .counts import recount
from .logcheck import check_logs

Docs = list[tuple[str, dict[str, Any]]]  # (bucket, document)


def check_store(buckets: Buckets, text_of: Callable[[str], str], repair: bool = False) -> list[str]:
    """Problems found in the store, one line each (empty: the store is valid).

    ``repair``: fix what can be fixed safely (claim counts left stale by a crash, temp files of killed
    writers). Returns the problems found before repairing."""
    problems: list[str] = []
    docs, broken = _read_all(buckets, problems)
    current = {rec["id"]: rec["sha256"] for _, rec in docs["corpus"]
               if not _incomplete(rec, Article, f"article {rec.get('id')}", problems)}
    counts = _check_claims(text_of, docs["claims"], current, problems)
    for _, rec in docs["states"]:
        if _incomplete(rec, ArticleState, f"state of {rec.get('article_id')}", problems):
            continue
        key, n = (rec["article_id"], rec["annotator"]), rec.get("n_claims", 0)
        want = counts.pop(key, 0)
        if n != want and bucket_of(key[0]) not in broken:  # an unreadable bucket's counts are not checked
            problems.append(f"{key[0]}/{key[1]}: claim count {n}, found {want}")
            if repair:
                _repair_count(buckets, *key)
    for (aid, ann), n in counts.items():
        problems.append(f"{aid}/{ann}: {n} claims but no state record")
        if repair:
            _repair_count(buckets, aid, ann)
    for _, rec in docs["review"]:
        _incomplete(rec, Decision, f"decision {rec.get('id')} of {rec.get('article_id')}", problems)
    for _, rec in docs.get("links", []):
        _incomplete(rec, Link, f"link {rec.get('id')} of {rec.get('article_id')}", problems)
    check_logs(buckets, docs, broken, repair, problems)
    temps = _orphan_temps(buckets)
    if temps:
        problems.append(f"{len(temps)} temp file(s) left by interrupted writes, e.g. {temps[0]}")
    for tmp in temps if repair else []:
        tmp.unlink(missing_ok=True)
    return problems


def _read_all(buckets: Buckets, problems: list[str]) -> tuple[dict[str, Docs], set[str]]:
    """Every document of every bucket file, and the buckets with an unreadable file."""
    docs: dict[str, Docs] = {kind: [] for kind in TABLES}
    broken: set[str] = set()
    for kind in TABLES:
        for path in buckets.files(kind):
            try:
                docs[kind] += [(path.stem, dict(d)) for d in buckets.read_file(kind, path, buckets.fs)]
            except CorruptStoreFile as exc:
                problems.append(str(exc))
                broken.add(path.stem)
    return docs, broken


def _check_claims(text_of: Callable[[str], str], claims: Docs, current: dict[str, str],
                  problems: list[str]) -> dict[tuple[str, str], int]:
    """Check each claim (bucket, article, quote); return the claim count per (article, annotator)."""
    texts: dict[str, str | None] = {}
    counts: dict[tuple[str, str], int] = {}
    for bucket, rec in claims:
        name = f"claim {rec.get('id')} of {rec.get('article_id')}"
        if _incomplete(rec, Claim, name, problems):
            continue
        if bucket != bucket_of(rec["article_id"]):
            problems.append(f"{name}: stored in claims/{bucket}.json, belongs in {bucket_of(rec['article_id'])}.json")
        if rec["article_id"] not in current:
            problems.append(f"{name}: no such article in the corpus")
        if rec["text_sha256"] not in texts:
            try:
                texts[rec["text_sha256"]] = text_of(rec["text_sha256"])
            except StoreError as exc:
                problems.append(str(exc))
                texts[rec["text_sha256"]] = None
        text = texts[rec["text_sha256"]]
        if text is not None and span_problem(text, rec["start"], rec["end"], rec["quote"]):
            problems.append(f"{name}: quote does not match its text")
        key = (rec["article_id"], rec["annotator"])
        counts[key] = counts.get(key, 0) + 1
    return counts


def _orphan_temps(buckets: Buckets) -> list[Path]:
    """Temp files of writers killed mid-write (a live writer of a bucket holds the bucket's lock)."""
    out: list[Path] = []
    for kind in TABLES:
        for tmp in sorted((buckets.root / kind).glob(".*.json.*.tmp")):
            with buckets.change(tmp.name[1:].split(".", 1)[0]):
                out += [tmp] if tmp.exists() else []
    old = time.time() - 600  # texts are written without a lock: only old temp files are orphans for sure
    for tmp in buckets.root.glob("texts/*/.*.tmp"):
        try:
            out += [tmp] if tmp.stat().st_mtime < old else []
        except FileNotFoundError:
            pass
    return out


def _repair_count(buckets: Buckets, article_id: str, annotator: str) -> None:
    with buckets.change(bucket_of(article_id)) as change:
        recount(change.table("claims"), change.table("states"), article_id, {annotator}, now_iso(), create=True)


def _incomplete(rec: dict[str, Any], cls: type, name: str, problems: list[str]) -> bool:
    """Report a record of the wrong shape (a hand edit gone wrong: a missing field, a wrong type)."""
    problem = record_problem(cls, rec)
    if problem:
        problems.append(f"{escaped(name)}: {problem}")
    return bool(problem)
