"""Article list benchmark: 10,000 rows, headless. Prints figures, asserts nothing.

- first render: from starting the app to the list drawing its first data row, next to a bare
  Textual app's first frame in the same run;
- per key press: from the key to the end of the screen refresh that shows it (includes
  Textual's frame scheduling), and the repaint work alone (the compositor refresh);
- set_rows and set_filter on 10,000 rows.

Run: .venv/bin/python bench/bench_article_list.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import Refreshes, ms, percentile  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import Static  # noqa: E402

from annotations.models import Article, Progress  # noqa: E402
from tui.widgets.article_list import ArticleList  # noqa: E402

N = 10_000
STATUSES = ("todo", "in progress", "done")
SIZE = (80, 24)


def make_rows(n: int) -> list[Progress]:
    words = "policy export chips market model growth data lab report security 中文 标题".split()
    rows = []
    for i in range(n):
        title = " ".join(words[(i * 7 + k) % len(words)] for k in range(6 + i % 9)) + f" #{i}"
        art = Article(id=f"a{i:05d}", title=title, source=f"feeds/2024/{i:05d}.txt",
                      sha256="0" * 64, length=500 + (i * 7919) % 200_000)
        rows.append(Progress(art, STATUSES[i % 3], i % 7))
    return rows


REFRESHES = Refreshes()
FIRST_ROW: list[float] = []  # when the list first drew a data row
_orig_render_line = ArticleList.render_line


def timed_render_line(self: ArticleList, y: int):
    if not FIRST_ROW and y > 0 and self.visible_count:
        FIRST_ROW.append(time.perf_counter())
    return _orig_render_line(self, y)


class BareApp(App):
    def compose(self) -> ComposeResult:
        yield Static("hello")


class ListApp(App):
    def __init__(self, rows: list[Progress]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield ArticleList()

    def on_mount(self) -> None:
        lst = self.query_one(ArticleList)
        lst.set_rows(self.rows)
        lst.focus()


async def first_frame_bare() -> float:
    REFRESHES.clear()
    t0 = time.perf_counter()
    async with BareApp().run_test(size=SIZE) as pilot:
        await pilot.pause()
    return REFRESHES.ends[0] - t0


async def run_list(rows: list[Progress]) -> dict[str, object]:
    FIRST_ROW.clear()
    REFRESHES.clear()
    app = ListApp(rows)
    t0 = time.perf_counter()
    out: dict[str, object] = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        out["first_row"] = (FIRST_ROW[0] if FIRST_ROW else float("nan")) - t0
        lst = app.query_one(ArticleList)
        for label, keys in (("j", ["j"] * 200), ("pagedown", ["pagedown"] * 100), ("end/home", ["end", "home"] * 50)):
            latency, work = [], []
            for key in keys:
                REFRESHES.clear()
                t = time.perf_counter()
                await pilot.press(key)
                latency.append(await REFRESHES.next_after(t) - t)
                work.append(sum(REFRESHES.work))
            out[label] = (latency, work)
        t = time.perf_counter()
        lst.set_rows(list(reversed(rows)))
        out["set_rows"] = time.perf_counter() - t
        filt = []
        for query in ("policy", "中文", "#99", "zzz", "a0123", ""):
            t = time.perf_counter()
            lst.set_filter(query)
            filt.append(time.perf_counter() - t)
        out["set_filter"] = filt
        out["shown"] = lst.visible_count
    return out


def main() -> None:
    ArticleList.render_line = timed_render_line  # type: ignore[method-assign]
    REFRESHES.install()
    t = time.perf_counter()
    rows = make_rows(N)
    print(f"article list benchmark: {N} rows, {SIZE[0]}x{SIZE[1]} headless (built rows in {ms(time.perf_counter() - t)})")
    asyncio.run(first_frame_bare())  # warm-up: imports, CSS parsing
    bare = asyncio.run(first_frame_bare())
    res = asyncio.run(run_list(rows))
    first = res["first_row"]
    print(f"  first frame, bare Textual app:     {ms(bare)}")
    print(f"  first list row drawn ({N} rows): {ms(first)}  ({first / bare:.2f}x the bare app)")
    for label in ("j", "pagedown", "end/home"):
        latency, work = res[label]
        print(f"  key {label:<9} press->screen p50 {ms(statistics.median(latency))}  p95 {ms(percentile(latency, .95))}"
              f"   repaint work p50 {ms(statistics.median(work))}  p95 {ms(percentile(work, .95))}")
    print(f"  set_rows({N}):  {ms(res['set_rows'])}")
    filt = res["set_filter"]
    print(f"  set_filter on {N} rows: first {ms(filt[0])} (builds the search keys), "
          f"then median {ms(statistics.median(filt[1:]))}  max {ms(max(filt[1:]))}")


if __name__ == "__main__":
    main()
