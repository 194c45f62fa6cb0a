"""Measuring code the benchmarks share: figures (``ms``, ``percentile``, ``p50_p95``), waiting for
something to show (``wait_until``) and timing Textual's screen refreshes (``Refreshes``).

Not a ``bench_*.py`` file, so ``bench.py`` does not run it as a benchmark. asyncio and Textual are
imported only when used: the store benchmark's child processes import this module, and their peak
memory is one of its figures.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any, Callable

Row = tuple[str, str, str]  # (measure, figure, target or note)
SEEDS = Path(__file__).resolve().parent.parent / "seeds"  # the seed corpus the app benchmarks open


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``: the nearest value in sorted order, no interpolation."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def p50_p95(values: list[float]) -> str:
    return f"{ms(statistics.median(values))} / {ms(percentile(values, .95))}"


async def wait_until(condition: Callable[[], Any], timeout: float = 30.0) -> Any:
    """Poll ``condition`` (every 0.5 ms, letting the app run) until it returns something other than None."""
    import asyncio

    end = time.perf_counter() + timeout
    while (value := condition()) is None:
        if time.perf_counter() > end:
            raise TimeoutError("the screen did not show it in time")
        await asyncio.sleep(0.0005)
    return value


class Refreshes:
    """Every screen refresh while installed (Textual's ``Screen._compositor_refresh``): when it ended
    (``ends``), how long its work took (``work``) and its screen's class (``screens``). The end of the
    first refresh after an event is when its effect is on the screen."""

    def __init__(self) -> None:
        self.ends: list[float] = []
        self.work: list[float] = []
        self.screens: list[type] = []
        self._original: Callable[[Any], None] | None = None

    def clear(self) -> None:
        self.ends.clear()
        self.work.clear()
        self.screens.clear()

    def install(self) -> None:
        from textual.screen import Screen

        if self._original is not None:
            return
        original = self._original = Screen._compositor_refresh
        refreshes = self

        def timed(screen: Screen) -> None:
            t0 = time.perf_counter()
            original(screen)
            t1 = time.perf_counter()
            refreshes.work.append(t1 - t0)
            refreshes.screens.append(type(screen))
            refreshes.ends.append(t1)

        Screen._compositor_refresh = timed  # type: ignore[method-assign]

    def uninstall(self) -> None:
        from textual.screen import Screen

        if self._original is not None:
            Screen._compositor_refresh = self._original  # type: ignore[method-assign]
            self._original = None
        self.clear()

    def first_after(self, t: float, screen_type: type | None = None) -> float | None:
        """End of the first refresh (of a screen of ``screen_type``) that ended at or after ``t``."""
        return next((end for end, screen in zip(self.ends, self.screens)
                     if end >= t and (screen_type is None or issubclass(screen, screen_type))), None)

    async def next_after(self, t: float, screen_type: type | None = None, timeout: float = 30.0) -> float:
        """Wait for the first refresh that ends after ``t``; its end."""
        return await wait_until(lambda: self.first_after(t, screen_type), timeout)
