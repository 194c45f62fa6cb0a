"""App benchmark (issue 3, section 6): the whole ClaimtagApp, headless and in a real terminal.
Prints figures, asserts nothing. Used by bench/bench.py (``python3 dev.py bench``) via ``run``.

1. First frame with the 5 seed articles, 80x24 headless: from constructing the app to the end of
   the first screen refresh that shows article rows, next to a bare Textual app (one Static) in the
   same run (medians of interleaved runs). The same in a real terminal: ``claimtag --store X seeds/``
   and a bare app script spawned in tmux panes, timed until their text is on the pane.
2. First frame with 10,000 articles / 100,000 claims (store built by bench_store.build_store),
   headless (in this process) and in tmux (a fresh process: imports included).
3. A 1 MB article with 2,000 claims in the reader: time to open it, time until its sentences are
   ready (computed in a worker the first time), then key press -> end of the screen refresh that
   shows it, for j (next sentence), l / h (word), n (next claim), and 1 (tag: saves through the store).
   In app_reader.py; the shared figures and refresh timing are in common.py.
4. The review reader on that article with 3 annotators x 2,000 claims: open, n (next conflict), Enter
   (pick into gold), u. In app_review.py.

Run alone: .venv/bin/python bench/bench_app.py [--keep]
"""

from __future__ import annotations

import asyncio
import gc
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from app_reader import reader_part  # noqa: E402
from app_review import review_part  # noqa: E402

# bench_store's ANNOTATOR: the 10,000 states and claims of its store are hers
from bench_store import ANNOTATOR, build_store  # noqa: E402
from common import SEEDS, Refreshes, Row, ms, wait_until  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import Static  # noqa: E402

from annotations.corpus import add_paths  # noqa: E402
from annotations.editing import ArticleSession  # noqa: E402
from annotations.models import Claim  # noqa: E402
from annotations.schema import load_schema  # noqa: E402
from annotations.store import Store  # noqa: E402
from tui.app import ClaimtagApp  # noqa: E402
from tui.widgets.article_list import ArticleList  # noqa: E402

SIZE = (80, 24)
BARE_TEXT = "bare textual app ready"
BARE_SCRIPT = ("from textual.app import App\nfrom textual.widgets import Static\n"
               f"App.compose = lambda self: [Static({BARE_TEXT!r})]\nApp().run()\n")


# --- probes: monkeypatched hooks that timestamp what the screen shows ---------------------------------


class Probe:
    def __init__(self) -> None:
        self.frames = Refreshes()  # every compositor refresh: its end, work and screen's class
        self.marker: float | None = None  # when the awaited content was first drawn
        self.sentences: float | None = None  # when the reader got its real sentences
        self.saves: list[float] = []  # seconds per Store.save_claim
        self.gc_pauses: list[float] = []  # seconds per gen-2 garbage collection
        self._gc_start = 0.0
        self._undo: list[tuple[Any, str, Any]] = []

    def reset(self) -> None:
        self.frames.clear()
        self.marker = self.sentences = None

    def patch(self, owner: Any, name: str, make: Callable[[Any], Any]) -> None:
        original = getattr(owner, name)
        self._undo.append((owner, name, original))
        setattr(owner, name, make(original))

    def gc_callback(self, phase: str, info: dict) -> None:
        if info["generation"] == 2:
            if phase == "start":
                self._gc_start = time.perf_counter()
            else:
                self.gc_pauses.append(time.perf_counter() - self._gc_start)

    def install(self) -> None:
        probe = self
        gc.callbacks.append(self.gc_callback)
        self.frames.install()

        def row_drawn(orig):
            def timed(lst: ArticleList, y: int):
                if probe.marker is None and y > 0 and lst.visible_count:
                    probe.marker = time.perf_counter()
                return orig(lst, y)
            return timed

        def sentences(orig):
            def timed(session: ArticleSession, spans):
                orig(session, spans)
                probe.sentences = time.perf_counter()
            return timed

        def session_made(orig):  # sentences computed before the first frame (sentencex): ready at once
            def timed(session: ArticleSession, *args, **kwargs):
                orig(session, *args, **kwargs)
                if session.sentences_exact:
                    probe.sentences = time.perf_counter()
            return timed

        def save(orig):
            def timed(store: Store, claim: Claim, **kw):
                t = time.perf_counter()
                try:
                    return orig(store, claim, **kw)
                finally:
                    probe.saves.append(time.perf_counter() - t)
            return timed

        self.patch(ArticleList, "render_line", row_drawn)
        self.patch(ArticleSession, "set_sentences", sentences)
        self.patch(ArticleSession, "__init__", session_made)
        self.patch(Store, "save_claim", save)

    def uninstall(self) -> None:
        gc.callbacks.remove(self.gc_callback)
        self.frames.uninstall()
        while self._undo:
            owner, name, original = self._undo.pop()
            setattr(owner, name, original)

    def frame_after(self, t: float, screen_type: type | None = None) -> float | None:
        """End of the first refresh (of a screen of ``screen_type``) that ended after ``t``."""
        return self.frames.first_after(t, screen_type)


PROBE = Probe()


class BareStatic(Static):
    def render(self):
        if PROBE.marker is None:
            PROBE.marker = time.perf_counter()
        return super().render()


class BareApp(App):
    def compose(self) -> ComposeResult:
        yield BareStatic(BARE_TEXT)


# --- 1 and 2: first frame, headless -------------------------------------------------------------------


async def first_frame(make_app: Callable[[], App]) -> float:
    """Seconds from constructing the app to the end of the first refresh after the marker was drawn."""
    PROBE.reset()
    t0 = time.perf_counter()
    app = make_app()
    async with app.run_test(size=SIZE):
        end = await wait_until(lambda: PROBE.marker and PROBE.frame_after(PROBE.marker))
    return end - t0


def headless_first_frames(store_root: Path, schema, repeat: int) -> tuple[list[float], list[float]]:
    """Interleaved runs (after one warm-up of each): (bare app seconds, claimtag seconds)."""
    bare, ours = [], []
    make_ours = lambda: ClaimtagApp(Store(store_root, create=False), schema, ANNOTATOR)  # noqa: E731
    for i in range(repeat + 1):
        b = asyncio.run(first_frame(BareApp))
        o = asyncio.run(first_frame(make_ours))
        if i:
            bare.append(b)
            ours.append(o)
    return bare, ours


# --- 1 and 2: first frame, in tmux --------------------------------------------------------------------


class Tmux:
    """A private tmux server; ``first_text`` spawns a command in a new pane and times its first screen."""

    def __init__(self) -> None:
        self.socket = f"claimtag-bench-{os.getpid()}"
        self.count = 0
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "hold", "-x", "80", "-y", "24", "sleep", "3600")

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True).stdout

    def first_text(self, command: list[str], needle: str, size: tuple[int, int] = SIZE, timeout: float = 60) -> float:
        self.count += 1
        name = f"run{self.count}"
        t0 = time.perf_counter()
        self.tmux("new-session", "-d", "-s", name, "-x", str(size[0]), "-y", str(size[1]),
                  "env", "TERM=xterm-256color", "COLORTERM=truecolor", *command)
        try:
            while time.perf_counter() - t0 < timeout:
                if needle in self.tmux("capture-pane", "-t", name, "-p"):
                    return time.perf_counter() - t0
                time.sleep(0.005)
            raise TimeoutError(f"{needle!r} not on the pane after {timeout:.0f} s: {command}")
        finally:
            self.tmux("kill-session", "-t", name)

    def close(self) -> None:
        self.tmux("kill-server")


def first_title(store_root: Path) -> str:
    """What to wait for on the pane: the start of the first row's title."""
    rows = Store(store_root, create=False).progress(ANNOTATOR)
    return rows[0].article.title.strip()[:20]


# --- the section ------------------------------------------------------------------------------------


def seeds_part(workdir: Path, schema, tmux: Tmux | None, repeat: int, tmux_repeat: int) -> list[Row]:
    rows: list[Row] = []
    seeds = workdir / "seeds-store"
    add_paths(Store(seeds), [SEEDS], out=io.StringIO(), err=io.StringIO())
    bare, ours = headless_first_frames(seeds, schema, repeat)
    b, o = statistics.median(bare), statistics.median(ours)
    rows.append((f"first frame, bare Textual app, headless {SIZE[0]}x{SIZE[1]} (median of {repeat})", ms(b), ""))
    rows.append(("first frame, 5 seed articles, headless", ms(o),
                 f"{o / b:.2f}x the bare app, in-process (no start-up); the 1.5x goal: tmux rows"))
    if tmux is None:
        return rows + [("first screen in tmux", "-", "skipped: tmux not installed")]
    app_cmd = [claimtag_command(), "--annotator", ANNOTATOR, "--store", str(workdir / "tmux-store"), str(SEEDS)]
    bare_script = workdir / "bare_app.py"
    bare_script.write_text(BARE_SCRIPT)
    needle, bare, ours = first_title(seeds), [], []
    for i in range(tmux_repeat + 1):  # interleaved; the first of each warms the OS caches
        b = tmux.first_text([sys.executable, str(bare_script)], BARE_TEXT)
        o = tmux.first_text(app_cmd, needle)
        if i:
            bare.append(b)
            ours.append(o)
    b, o = statistics.median(bare), statistics.median(ours)
    rows.append((f"first screen in tmux, bare Textual app (median of {tmux_repeat})", ms(b),
                 "process start to text on the pane"))
    rows.append(("first screen in tmux, `claimtag --store X seeds/`", ms(o),
                 f"{o / b:.2f}x the bare app; target <= 1.5x (what an annotator waits for)"))
    return rows


def big_store_part(workdir: Path, schema, tmux: Tmux | None, n_articles: int, step) -> list[Row]:
    big = workdir / "big-store"
    t = time.perf_counter()
    n_claims = len(build_store(big, n_articles, 10)["claims"])
    step(f"built {n_articles:,} articles / {n_claims:,} claims in {time.perf_counter() - t:.1f} s")
    _, ours = headless_first_frames(big, schema, 3)
    rows = [(f"first frame, {n_articles:,} articles / {n_claims:,} claims, headless (median of 3)",
             ms(statistics.median(ours)), "target <= 1.0 s; from new Store() + app to rows drawn")]
    if tmux is not None:
        cmd = [claimtag_command(), "--annotator", ANNOTATOR, "--store", str(big)]
        times = [tmux.first_text(cmd, first_title(big)) for _ in range(3)]
        rows.append(("  the same in tmux, fresh process (median of 3)", ms(statistics.median(times)),
                     "target <= 1.0 s; includes Python start-up and imports"))
    return rows


def claimtag_command() -> str:
    return str(Path(sys.executable).with_name("claimtag"))


def run(workdir: Path, log: Callable[[str], None] = print, repeat: int = 7, tmux_repeat: int = 5,
        n_articles: int = 10_000, **_: Any) -> list[Row]:
    """The app's figures as (measure, figure, target/note) rows; a part that fails becomes one row saying so."""
    rows: list[Row] = []
    schema = load_schema()
    start = time.perf_counter()
    step = lambda what: log(f"app: {what} (at {time.perf_counter() - start:.0f} s)")  # noqa: E731
    PROBE.install()
    tmux = Tmux() if shutil.which("tmux") else None
    parts = (("first frame, seed corpus", lambda: seeds_part(workdir, schema, tmux, repeat, tmux_repeat)),
             (f"first frame, {n_articles:,} articles", lambda: big_store_part(workdir, schema, tmux, n_articles, step)),
             ("reader on a 1 MB article with 2,000 claims", lambda: reader_part(workdir, schema, PROBE, step)),
             ("review reader on a 1 MB article, 3 x 2,000 claims", lambda: review_part(workdir, schema, PROBE, step)))
    try:
        for name, part in parts:
            step(name)
            try:
                rows.extend(part())
            except Exception as exc:  # a benchmark reports, it does not stop: the other parts still run
                log(f"app: {name} failed: {exc!r}")
                rows.append((name, "-", f"failed: {exc.__class__.__name__}: {str(exc)[:80]}"))
    finally:
        PROBE.uninstall()
        if tmux is not None:
            tmux.close()
    return rows


def main(argv: list[str]) -> int:
    from bench import table

    workdir = Path(tempfile.mkdtemp(prefix="claimtag-bench-app-"))
    try:
        rows = run(workdir, log=lambda m: print(f"bench: {m}", file=sys.stderr, flush=True))
    finally:
        if "--keep" in argv:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(table([("measure", "figure", "target / note"), *rows]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
