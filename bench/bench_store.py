"""Store benchmark: build a 10,000-article / 100,000-claim store, time what annotators feel.

Used by bench/bench.py (``python3 dev.py bench``); prints figures, asserts nothing.
The big store is bulk-written in the store's own format (TinyDB JSON buckets, see
annotations/store.py) because 100,000 ``save_claim`` calls would take minutes; a
few store calls then check that the store reads it as intended.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from common import Row, percentile  # noqa: E402

from annotations.models import ArticleState, Claim, now_iso  # noqa: E402
from annotations.store import STORE_MARKER, STORE_SCHEMA_VERSION, Store, bucket_of  # noqa: E402
from annotations.store.files import dumps_lines  # noqa: E402
from annotations.text.normalize import sha256_text  # noqa: E402

WORDS = ("the of and to in a is that for on with as by at from it was be are this said AI model chips "
         "policy export Beijing Washington market growth data compute open source startup lab "
         "investment report government security semiconductor").split()
TYPES, STANCES = ("fact", "opinion", "prediction"), ("favor", "against", "neutral")
TARGETS = ("Chinese AI", "US AI policy")
ANNOTATOR = "alice"


def synthetic_text(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(3, 8)):
        sentences = []
        for _ in range(rng.randint(2, 5)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
            sentences.append(" ".join(words).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def random_span(rng: random.Random, text: str) -> tuple[int, int]:
    start = rng.randrange(0, len(text) - 40)
    return start, start + rng.randint(10, 40)


def build_store(root: Path, n_articles: int = 10_000, per_article: int = 10, seed: int = 7) -> dict[str, Any]:
    """Bulk-write a store: articles, texts, claims and states, in the store's file format."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / STORE_MARKER).write_text(json.dumps({"schema_version": STORE_SCHEMA_VERSION, "created": now_iso()}))
    corpus: dict[str, dict[str, Any]] = {}
    claims: dict[str, dict[str, Any]] = {}
    states: dict[str, dict[str, Any]] = {}
    texts: dict[str, str] = {}
    all_claims: list[dict[str, Any]] = []
    stamp = now_iso()
    for i in range(n_articles):
        aid = f"art-{i:05d}"
        text = synthetic_text(rng)
        sha = sha256_text(text)
        texts[aid] = text
        path = root / "texts" / sha[:2] / f"{sha}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        b = bucket_of(aid)
        corpus.setdefault(b, {})[str(len(corpus.get(b, {})) + 1)] = {
            "id": aid, "title": f"Synthetic article {i}", "source": f"bench/{aid}.txt", "sha256": sha,
            "length": len(text), "meta": {"date": "2025-01-01", "url": f"https://example.org/{aid}"},
            "old_versions": [], "added": stamp, "removed_controls": 0}
        bucket_claims = claims.setdefault(b, {})
        for k in range(per_article):
            start, end = random_span(rng, text)
            rec = Claim(id=f"{i:05d}c{k:02d}{rng.getrandbits(40):010x}", article_id=aid, text_sha256=sha,
                        start=start, end=end, quote=text[start:end], type=rng.choice(TYPES),
                        stance=rng.choice(STANCES), target=rng.choice(TARGETS), annotator=ANNOTATOR,
                        note="" if k % 3 else "checked against the source", created=stamp,
                        updated=stamp).to_record()
            bucket_claims[str(len(bucket_claims) + 1)] = rec
            all_claims.append(rec)
        bucket_states = states.setdefault(b, {})
        status = "done" if i % 3 == 0 else "in progress"
        bucket_states[str(len(bucket_states) + 1)] = ArticleState(
            aid, ANNOTATOR, status, {"stance": [rng.choice(STANCES)]}, per_article, stamp).to_record()
        if i % 50 == 0:  # a few states of a second annotator (labels only, no claims)
            bucket_states[str(len(bucket_states) + 1)] = ArticleState(aid, "bob", "done", {"frame": ["economic"]},
                                                                      0, stamp).to_record()
    for kind, table, data in (("corpus", "articles", corpus), ("claims", "claims", claims), ("states", "states", states)):
        (root / kind).mkdir(exist_ok=True)
        for b, docs in data.items():
            (root / kind / f"{b}.json").write_bytes(dumps_lines({table: docs}))
    return {"texts": texts, "claims": all_claims}


def verify_store(root: Path, built: dict[str, Any], n_articles: int, per_article: int) -> None:
    """A few store calls: the bulk-written store reads as the store itself would have written it."""
    store = Store(root, create=False)
    assert len(store.articles()) == n_articles
    sample = built["claims"][len(built["claims"]) // 2]
    found = store.claims(sample["article_id"], ANNOTATOR)
    assert len(found) == per_article and sample["id"] in {c.id for c in found}
    assert store.state(sample["article_id"], ANNOTATOR).n_claims == per_article
    assert sorted(store.annotators()) == [ANNOTATOR, "bob"]


def new_claim(rng: random.Random, built: dict[str, Any], n_articles: int) -> Claim:
    i = rng.randrange(n_articles)
    aid = f"art-{i:05d}"
    text = built["texts"][aid]
    start, end = random_span(rng, text)
    return Claim(id=Store.new_claim_id(), article_id=aid, text_sha256=sha256_text(text), start=start, end=end,
                 quote=text[start:end], type="fact", stance="favor", target=TARGETS[0], annotator=ANNOTATOR)


FIGURES: dict[str, dict[str, Any]] = {}  # named figures for `bench.py --json`, baselines beside them


def time_bare_fsync(folder: Path, n: int = 300) -> list[float]:
    """The physical floor of a durable save: one write + fsync appending a 300-byte line, same disk."""
    line = (b"x" * 299) + b"\n"
    path = folder / "fsync-floor.log"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    times = []
    try:
        for _ in range(n):
            t0 = time.perf_counter()
            os.write(fd, line)
            os.fsync(fd)
            times.append((time.perf_counter() - t0) * 1000)
    finally:
        os.close(fd)
        path.unlink()
    return times


def save_breakdown(store: Store, claims: list[Claim]) -> dict[str, float]:
    """Where a save's time goes (mean ms per save): lock, read/parse of bucket files, building the new
    files, fsyncs (files and folders), the change log, and the rest (validation, TinyDB, replace)."""
    from annotations import fileio
    from annotations.store import files, lock, log

    spent: dict[str, float] = {"lock": 0.0, "read/parse": 0.0, "build": 0.0, "fsync": 0.0, "log": 0.0}

    def timed(key: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[key] += time.perf_counter() - t0
        return wrapper

    patches = [(lock, "_acquire", "lock"), (files.AtomicJSONStorage, "_disk_snapshot", "read/parse"),
               (files, "dumps_lines", "build"), (os, "fsync", "fsync"), (fileio, "fsync_path", "fsync"),
               (log.PendingLog, "write_intents", "log"), (log.PendingLog, "write_outcome", "log")]
    saved = [(obj, name, getattr(obj, name)) for obj, name, _ in patches]
    for obj, name, key in patches:
        setattr(obj, name, timed(key, getattr(obj, name)))
    try:
        total = sum(time_saves(store, claims)) / 1000
    finally:
        for obj, name, fn in saved:
            setattr(obj, name, fn)
    out = {k: v * 1000 / len(claims) for k, v in spent.items()}
    out["total"] = total * 1000 / len(claims)
    out["rest"] = out["total"] - sum(v for k, v in out.items() if k not in ("total", "log"))
    return out


def time_saves(store: Store, claims: list[Claim]) -> list[float]:
    times = []
    for claim in claims:
        t0 = time.perf_counter()
        store.save_claim(claim)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def child(argv: list[str]) -> None:
    """Run one measure in this (fresh) process and print {"seconds", "maxrss_mb", "note"} as JSON."""
    import resource

    what, root = argv[0], Path(argv[1])
    note = ""
    t0 = time.perf_counter()
    if what == "progress":
        note = f"{len(Store(root, create=False).progress(ANNOTATOR)):,} articles"
    elif what == "export":
        from annotations.cli import main as cli_main

        out = Path(argv[2])
        code = cli_main(["export", "--store", str(root), "--format", "native", "-o", str(out)])
        note = f"exit {code}, {sum(1 for _ in out.open(encoding='utf-8')) if code == 0 else 0:,} records"
    took = time.perf_counter() - t0
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:  # ru_maxrss can carry the parent's peak over fork/exec; VmHWM is this process's own
        status = Path("/proc/self/status").read_text()
        maxrss = int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024
    except (OSError, StopIteration, ValueError):
        pass
    print(json.dumps({"seconds": took, "maxrss_mb": maxrss, "note": note}))


def in_child(*args: str) -> dict[str, Any]:
    """One measure in a fresh interpreter: nothing cached from the build, its own peak memory."""
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "child failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def export_available() -> str:
    try:
        import annotations.formats.export  # noqa: F401
    except ImportError as exc:
        return f"skipped: annotations.formats.export not importable ({exc})"
    return ""


def time_stock_tinydb(folder: Path, built: dict[str, Any], rng: random.Random, n: int, n_articles: int) -> list[float]:
    """The same saves against one stock TinyDB JSONStorage file holding the same claims."""
    from tinydb import TinyDB

    path = folder / "stock.json"
    path.write_text(json.dumps({"claims": {str(i + 1): rec for i, rec in enumerate(built["claims"])}}))
    db = TinyDB(path)
    table = db.table("claims")
    times = []
    for _ in range(n):
        rec = new_claim(rng, built, n_articles).to_record()
        t0 = time.perf_counter()
        table.insert(rec)
        times.append((time.perf_counter() - t0) * 1000)
    db.close()
    return times


def run(workdir: Path, n_articles: int = 10_000, per_article: int = 10, n_saves: int = 300,
        n_stock: int = 20, log: Callable[[str], None] = print) -> list[Row]:
    rows: list[Row] = []
    root = workdir / "store"
    t0 = time.perf_counter()
    built = build_store(root, n_articles, per_article)
    verify_store(root, built, n_articles, per_article)
    n_claims = len(built["claims"])
    log(f"built {n_articles:,} articles / {n_claims:,} claims in {time.perf_counter() - t0:.1f} s")
    rows.append(("store size", f"{n_articles:,} articles, {n_claims:,} claims", ""))

    rng = random.Random(11)
    store = Store(root, create=False)
    saves = time_saves(store, [new_claim(rng, built, n_articles) for _ in range(n_saves)])
    rows.append((f"save_claim p50 / p95 / max ({n_saves} saves)",
                 f"{percentile(saves, .5):.1f} / {percentile(saves, .95):.1f} / {max(saves):.1f} ms",
                 "target p95 <= 10 ms"))
    floor = time_bare_fsync(workdir)
    f50, f95 = percentile(floor, .5), percentile(floor, .95)
    rows.append(("bare write+fsync of a 300-byte line, same disk, p50 / p95", f"{f50:.2f} / {f95:.2f} ms",
                 "the physical floor of one durable save"))
    rows.append(("  save_claim p50 / p95 as multiples of it",
                 f"{percentile(saves, .5) / f50:.0f}x / {percentile(saves, .95) / f95:.0f}x", ""))
    FIGURES["save_claim_p50_ms"] = {"value": percentile(saves, .5), "baseline": f50,
                                    "baseline_name": "bare append+fsync p50 ms"}
    FIGURES["save_claim_p95_ms"] = {"value": percentile(saves, .95), "baseline": f95,
                                    "baseline_name": "bare append+fsync p95 ms"}
    parts = save_breakdown(store, [new_claim(rng, built, n_articles) for _ in range(min(100, n_saves))])
    rows.append(("  where a save goes (mean ms)", " · ".join(f"{k} {v:.2f}" for k, v in parts.items()
                                                             if k != "total") + f" = {parts['total']:.2f}",
                 "log is the change log's append, its fsync included (also under fsync)"))
    FIGURES["save_breakdown_ms"] = {"value": parts}

    runs = [in_child("progress", str(root)) for _ in range(3)]
    took = statistics.median(r["seconds"] for r in runs)
    rows.append(("open + progress, fresh process (median of 3)", f"{took * 1000:.0f} ms",
                 f"target <= 500 ms; {runs[0]['note']}"))
    rows.append(("  peak memory of that process", f"{max(r['maxrss_mb'] for r in runs):.0f} MB", "maxrss"))

    skipped = export_available()
    if skipped:
        rows.append(("full native export", "-", skipped))
    else:
        try:
            r = in_child("export", str(root), str(workdir / "export.jsonl"))
            rows.append(("full native export, fresh process", f"{r['seconds']:.1f} s", r["note"]))
            rows.append(("  peak memory of that process", f"{r['maxrss_mb']:.0f} MB", "maxrss"))
        except RuntimeError as exc:
            rows.append(("full native export", "-", f"failed: {exc}"))

    stock = time_stock_tinydb(workdir, built, rng, n_stock, n_articles)
    ratio = statistics.median(stock) / percentile(saves, .5)
    rows.append((f"same save, one stock TinyDB file, p50 ({n_stock} inserts)", f"{statistics.median(stock):.0f} ms",
                 f"{ratio:.0f}x the store's p50"))
    FIGURES["stock_tinydb_save_p50_ms"] = {"value": statistics.median(stock), "baseline": percentile(saves, .5),
                                           "baseline_name": "claimtag save_claim p50 ms"}
    FIGURES["open_progress_ms"] = {"value": took * 1000, "target": 500}
    return rows


if __name__ == "__main__":
    child(sys.argv[1:])
