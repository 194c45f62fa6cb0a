"""App benchmark, part 3 (see bench_app.py): the reader on a ~1 MB article with 2,000 claims.

Time to open it, time until its sentences are ready (sentencex, before the first frame; cached after), then
key press -> end of the screen refresh that shows it, for j (next sentence), l / h (word), n (next
claim), 1 (tag: saves through the store) and u (undo). Timed through bench_app's ``Probe``, passed in.
"""

from __future__ import annotations

import asyncio
import io
import random
import time
from pathlib import Path
from typing import Any, Callable

from bench_store import ANNOTATOR
from bench_text_view import make_article, sentences
from common import SEEDS, Row, ms, p50_p95, wait_until

from annotations.corpus import add_paths
from annotations.models import ArticleState, Claim, NewArticle, now_iso
from annotations.store import Store, bucket_of
from annotations.store.files import dumps_lines
from annotations.text.normalize import normalize_text
from tui.app import ClaimtagApp
from tui.screens.reader.screen import ReaderScreen

READER_SIZES = ((80, 24, 200), (160, 48, 100))  # columns, rows, j presses


def big_article_store(root: Path, n_claims: int = 2_000) -> tuple[str, int]:
    """A store with the seeds and one ~1 MB article carrying ``n_claims`` claims (bulk-written in the
    store's format: 2,000 save_claim calls would each rewrite the growing bucket file)."""
    store = Store(root)
    add_paths(store, [SEEDS], out=io.StringIO(), err=io.StringIO())
    text = normalize_text(make_article())[0]  # as `add` would store it (NFC)
    aid = "big-article"
    store.add_articles([NewArticle(aid, "A 1 MB article with 2,000 claims", "bench/big.txt", text, {})])
    sha = store.article(aid).sha256
    spans = sentences(text)
    rng = random.Random(5)
    stamp = now_iso()
    docs = {}
    for k, i in enumerate(sorted(rng.sample(range(len(spans)), n_claims))):
        a, b = spans[i]
        a += len(text[a:b]) - len(text[a:b].lstrip())
        claim = Claim(id=f"bench{k:05d}", article_id=aid, text_sha256=sha, start=a, end=b, quote=text[a:b],
                      type=("fact", "opinion", "prediction")[k % 3], stance=("favor", "against", "neutral")[k % 3],
                      target="Chinese AI", annotator=ANNOTATOR, created=stamp, updated=stamp)
        docs[str(k + 1)] = claim.to_record()
    bucket = bucket_of(aid)
    for kind, table, data in (("claims", "claims", docs),
                              ("states", "states", {"1": ArticleState(aid, ANNOTATOR, "in progress", {}, n_claims,
                                                                      stamp).to_record()})):
        path = root / kind / f"{bucket}.json"
        assert not path.exists(), f"{path}: a seed shares the bucket"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(dumps_lines({table: data}))
    check = Store(root, create=False)
    assert len(check.claims(aid, ANNOTATOR)) == n_claims and check.state(aid, ANNOTATOR).n_claims == n_claims
    return aid, len(text)


async def press_latencies(pilot, probe, keys: list[str], screen_type: type = ReaderScreen) -> list[float]:
    """Per key: from pilot.press to the end of the first refresh of ``screen_type`` after it."""
    out = []
    for key in keys:
        await pilot.pause()
        probe.frames.clear()
        t = time.perf_counter()
        await pilot.press(key)
        out.append(await probe.frames.next_after(t, screen_type, timeout=5) - t)
    return out


TAGS = 40


async def reader_run(store_root: Path, schema, probe, article_id: str, size: tuple[int, int],
                     n: int = 200) -> dict[str, Any]:
    """``n`` j presses, n/2 l/h, n/2 n, TAGS tags then as many undos (enough for a p95 that is not
    simply the slowest of a handful)."""
    out: dict[str, Any] = {}
    app = ClaimtagApp(Store(store_root, create=False), schema, ANNOTATOR)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        probe.reset()
        t0 = time.perf_counter()
        app.push_screen(ReaderScreen(article_id))
        out["open"] = await probe.frames.next_after(t0, ReaderScreen) - t0
        out["sentences"] = await wait_until(lambda: probe.sentences, timeout=120) - t0
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen) and len(screen.session.claims) >= 2_000
        out["n_sentences"] = len(screen.session.sentences)
        probe.gc_pauses.clear()
        out["j"] = await press_latencies(pilot, probe, ["j"] * n)
        out["l/h"] = await press_latencies(pilot, probe, ["l", "l", "h", "h"] * (n // 8))
        out["n"] = await press_latencies(pilot, probe, ["n"] * (n // 2))
        out["gc"] = list(probe.gc_pauses)
        probe.saves.clear()
        tags = []
        for _ in range(TAGS):
            await press_latencies(pilot, probe, ["j"])
            tags += await press_latencies(pilot, probe, ["1"])
        out["tag"] = tags
        out["save"] = list(probe.saves)
        out["undo"] = await press_latencies(pilot, probe, ["u"] * len(tags))  # back to the 2,000 claims
        out["claims_after"] = len(screen.session.claims)
    return out


def reader_part(workdir: Path, schema, probe, step: Callable[[str], None]) -> list[Row]:
    """The rows of part 3; ``probe`` is bench_app's installed ``Probe``."""
    rows: list[Row] = []
    root = workdir / "reader-store"
    aid, length = big_article_store(root)
    for i, (columns, lines, presses) in enumerate(READER_SIZES):
        res = asyncio.run(reader_run(root, schema, probe, aid, (columns, lines), presses))
        where = f"{columns}x{lines}"
        step(f"reader at {where} done")
        if i == 0:
            rows.append((f"reader, {length / 1e6:.1f} MB article, 2,000 claims, {where}: open", ms(res["open"]),
                         "push_screen to the text on screen"))
            rows.append(("  sentences ready (first time)", ms(res["sentences"]),
                         f"{res['n_sentences']:,} sentences; keys below are timed after"))
        else:
            rows.append((f"reader at {where}: open / sentences (cached)", f"{ms(res['open'])} / {ms(res['sentences'])}",
                         ""))
        for key, label in (("j", "j next sentence"), ("l/h", "l / h word"), ("n", "n next claim")):
            rows.append((f"  {label} x{len(res[key])}, press -> screen p50 / p95", p50_p95(res[key]),
                         "target p95 <= 50 ms"))
        gc2 = res["gc"]
        rows.append(("  gen-2 garbage collections during those keys", f"{len(gc2)}, max {ms(max(gc2, default=0))}",
                     "each one stalls the key it falls in"))
        rows.append((f"  1 tag x{len(res['tag'])}, press -> screen p50 / p95", p50_p95(res["tag"]),
                     f"target p95 <= 50 ms; save_claim alone {p50_p95(res['save'])}"))
        rows.append((f"  u undo x{len(res['undo'])} (deletes the tag), p50 / p95", p50_p95(res["undo"]),
                     f"target p95 <= 50 ms; {res['claims_after']:,} claims after"))
    return rows
