"""Article text view benchmark: a ~1 MB article with 2,000 highlights, headless. Prints figures,
asserts nothing.

- set_document (layout of 1 MB at the pane's width) and a resize (re-layout);
- set_selection -> repaint: from the call to the end of the screen refresh that shows it (includes
  Textual's frame scheduling), and the work alone (set_selection + the compositor refresh), over
  200 moves sentence by sentence (mostly no scroll) and 200 jumps to random sentences (scroll and
  full repaint).

Run: .venv/bin/python bench/bench_text_view.py
"""

from __future__ import annotations

import asyncio
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import Refreshes, ms, percentile  # noqa: E402
from rich.style import Style  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402

from tui.widgets.text_view import ArticleTextView, Highlight  # noqa: E402

SIZE = (120, 40)
N_HIGHLIGHTS = 2_000
MOVES = 200
STYLES = [Style(color="green"), Style(color="red", bold=True), Style(color="blue", italic=True),
          Style(bgcolor="grey23"), Style(underline=True, color="magenta")]


def make_article(target: int = 1_000_000) -> str:
    rnd = random.Random(7)
    words = ("the minister said that exports of chips would rise next year while analysts "
             "expected the market to cool as policy shifts and data from the lab showed growth").split()
    special = ["【Text by Observers Network】", "世界经济", "😀", "café", "e\u0301te\u0301", "naïve"]
    paras, size = [], 0
    while size < target:
        sentences = []
        for _ in range(rnd.randint(3, 9)):
            ws = [rnd.choice(words) for _ in range(rnd.randint(8, 30))]
            if rnd.random() < 0.2:
                ws.insert(rnd.randrange(len(ws)), rnd.choice(special))
            sentences.append(" ".join(ws).capitalize() + ".")
        para = " ".join(sentences)
        paras.append(para)
        size += len(para) + 2
    return "\n\n".join(paras)


def sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^.\n]+\.", text)]


def make_highlights(spans: list[tuple[int, int]], n: int) -> list[Highlight]:
    rnd = random.Random(11)
    picked = sorted(rnd.sample(range(len(spans)), n))
    out = []
    for k, i in enumerate(picked):
        a, b = spans[i]
        out.append(Highlight(a + 1, b, STYLES[k % len(STYLES)]))
        if k % 10 == 0:  # some nested ones
            out.append(Highlight(a + 3, min(b, a + 20), Style(bold=True)))
    return out[:n]


REFRESHES = Refreshes()


class ViewApp(App):
    def compose(self) -> ComposeResult:
        yield ArticleTextView()


async def measure_moves(pilot, view: ArticleTextView, targets: list[tuple[int, int]]):
    latency, work = [], []
    for a, b in targets:
        await pilot.pause()
        REFRESHES.clear()
        t = time.perf_counter()
        view.set_selection(a, b)
        call = time.perf_counter() - t
        latency.append(await REFRESHES.next_after(t) - t)
        work.append(call + REFRESHES.work[0])
    return latency, work


async def run(text: str, spans: list[tuple[int, int]], highlights: list[Highlight]) -> dict:
    out: dict = {}
    app = ViewApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleTextView)
        await pilot.pause()
        t = time.perf_counter()
        view.set_document(text, highlights)
        out["set_document"] = time.perf_counter() - t
        out["lines"] = len(view.layout)
        out["width"] = view.layout.width
        await pilot.pause()
        start = len(spans) // 3
        out["step"] = await measure_moves(pilot, view, spans[start : start + MOVES])
        rnd = random.Random(3)
        out["jump"] = await measure_moves(pilot, view, [spans[rnd.randrange(len(spans))] for _ in range(MOVES)])
        t = time.perf_counter()
        await pilot.resize_terminal(SIZE[0] - 37, SIZE[1])
        await pilot.pause()
        out["resize"] = time.perf_counter() - t
        out["narrow_lines"] = len(view.layout)
    return out


def main() -> None:
    REFRESHES.install()
    text = make_article()
    spans = sentences(text)
    highlights = make_highlights(spans, N_HIGHLIGHTS)
    print(f"text view benchmark: {len(text):,} characters, {len(spans):,} sentences, "
          f"{len(highlights):,} highlights, {SIZE[0]}x{SIZE[1]} headless")
    res = asyncio.run(run(text, spans, highlights))
    print(f"  set_document (layout at {res['width']} cells, {res['lines']:,} lines): {ms(res['set_document'])}")
    print(f"  resize -> re-layout + repaint ({res['narrow_lines']:,} lines): {ms(res['resize'])}")
    for label in ("step", "jump"):
        latency, work = res[label]
        print(f"  set_selection {label:<4} x{len(latency)}: ->screen p50 {ms(statistics.median(latency))}"
              f"  p95 {ms(percentile(latency, .95))}   work p50 {ms(statistics.median(work))}"
              f"  p95 {ms(percentile(work, .95))}")


if __name__ == "__main__":
    main()
