"""App benchmark, part 4 (see bench_app.py): the review reader on a ~1 MB article with 3 annotators x
2,000 claims (the 2,000 of app_reader's article, copied to two more annotators: one in ten left out,
one in ten in another stance, so ~700 units are open conflicts).

Time to open it (push_screen to the first frame that shows it), then key press -> end of the screen
refresh that shows it for n (next conflict) and Enter (pick the focused variant into gold: saves the
decision and the gold claim: the screen answers at once, the review writer's thread saves it), then u
(undo the picks), and how long each save takes in the writer. Timed through bench_app's ``Probe``.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from app_reader import big_article_store, press_latencies
from bench_store import ANNOTATOR
from common import Row, ms, p50_p95

from annotations.store import Store
from tui.app import ClaimtagApp
from tui.screens.review.screen import ReviewScreen

SIZES = ((80, 24), (160, 48))
PICKS = 60


def review_store(root: Path) -> tuple[str, int]:
    aid, length = big_article_store(root)
    store = Store(root)
    base = store.claims(aid, ANNOTATOR)
    rng = random.Random(7)
    more = []
    for who in ("bob", "carol"):
        for c in base:
            r = rng.random()
            if r < 0.1:
                continue
            copy = replace(c, id=Store.new_claim_id(), annotator=who)
            more.append(replace(copy, stance="against" if c.stance != "against" else "favor") if r < 0.2 else copy)
    store.save_many(more)
    for who in (ANNOTATOR, "bob", "carol"):
        store.set_state(aid, who, status="done")
    return aid, length


async def review_run(store_root: Path, schema, probe, article_id: str, size: tuple[int, int]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    store = Store(store_root, create=False)
    saves: list[float] = []
    apply_gold = store.apply_gold

    def timed_save(step, reviewer):  # the review writer's thread: how long each step takes to be durable
        t = time.perf_counter()
        apply_gold(step, reviewer)
        saves.append(time.perf_counter() - t)

    store.apply_gold = timed_save  # type: ignore[method-assign]
    app = ClaimtagApp(store, schema, "lead", role="reviewer")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        probe.reset()
        t0 = time.perf_counter()
        app.push_screen(ReviewScreen(article_id))
        out["open"] = await probe.frames.next_after(t0, ReviewScreen) - t0
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        out["units"], out["open_units"] = len(screen.session.units), screen.session.open_count()
        n, pick = [], []
        for _ in range(PICKS):
            n += await press_latencies(pilot, probe, ["n"], ReviewScreen)
            pick += await press_latencies(pilot, probe, ["enter"], ReviewScreen)
        out["n"], out["pick"] = n, pick
        out["undo"] = await press_latencies(pilot, probe, ["u"] * PICKS, ReviewScreen)
        screen.writer.flush()
        out["open_after"] = screen.session.open_count()
        out["saves"] = list(saves)
    return out


def review_part(workdir: Path, schema, probe, step: Callable[[str], None]) -> list[Row]:
    rows: list[Row] = []
    root = workdir / "review-store"
    aid, length = review_store(root)
    for columns, lines in SIZES:
        res = asyncio.run(review_run(root, schema, probe, aid, (columns, lines)))
        where = f"{columns}x{lines}"
        step(f"review reader at {where} done")
        rows.append((f"review reader, {length / 1e6:.1f} MB, 3 annotators x 2,000 claims, {where}: open",
                     ms(res["open"]), f"target <= 300 ms; {res['units']:,} units, {res['open_units']} open"))
        rows.append((f"  n next conflict x{len(res['n'])}, press -> screen p50 / p95", p50_p95(res["n"]),
                     "target p95 <= 50 ms"))
        rows.append((f"  Enter pick x{len(res['pick'])}, press -> screen p50 / p95", p50_p95(res["pick"]),
                     "target p95 <= 50 ms; saved by the writer thread after"))
        rows.append((f"  each step's save (apply_gold, writer thread) x{len(res['saves'])}", p50_p95(res["saves"]),
                     "lock, 3 bucket files, log: durable; 'saved' is said then"))
        rows.append((f"  u undo x{len(res['undo'])}, p50 / p95", p50_p95(res["undo"]),
                     f"{res['open_after']} open after"))
    return rows
