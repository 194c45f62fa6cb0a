"""tui/idle_gc.py: full collections wait for a pause in the keys; Python's settings come back after."""

from __future__ import annotations

import gc

import pytest

from tui.services.gc import DEEP_AFTER_SETTLES, FULL_THRESHOLD, IDLE_SECONDS, IdleCollector


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_collects_only_after_keys_then_a_pause(monkeypatch):
    calls = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append("collect") or 0)
    clock = Clock()
    idle = IdleCollector(clock)
    assert not idle.tick()  # no keys yet: nothing to do
    idle.input_seen()
    clock.now += IDLE_SECONDS / 2
    assert not idle.tick() and calls == []  # still typing
    clock.now += IDLE_SECONDS
    assert idle.tick() and calls == ["collect"]
    clock.now += 10
    assert not idle.tick() and calls == ["collect"]  # once per pause, not every tick


def test_deep_collection_after_several_articles(monkeypatch):
    calls = []
    for name in ("collect", "freeze", "unfreeze"):
        monkeypatch.setattr(gc, name, lambda *a, _n=name: calls.append(_n) or 0)
    clock = Clock()
    idle = IdleCollector(clock)
    for _ in range(DEEP_AFTER_SETTLES):
        idle.settle()
    calls.clear()
    idle.input_seen()
    clock.now += IDLE_SECONDS + 1
    assert idle.tick() and calls == ["unfreeze", "collect", "freeze"]
    idle.input_seen()
    clock.now += IDLE_SECONDS + 1
    calls.clear()
    assert idle.tick() and calls == ["collect"]


def test_start_and_stop_restore_pythons_settings():
    before = gc.get_threshold()
    idle = IdleCollector()
    idle.start()
    try:
        assert gc.get_threshold()[2] == FULL_THRESHOLD and gc.get_freeze_count() > 0
    finally:
        idle.stop()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def _alive(kind: type) -> int:
    gc.unfreeze()
    gc.collect()
    n = sum(1 for o in gc.get_objects() if isinstance(o, kind))
    gc.freeze()
    return n


@pytest.mark.anyio
async def test_memory_levels_off_over_many_article_opens(seeded_store, schema):
    """Issue 8: 150 opens took the app from 40 to 207 MB with no plateau (Textual's StylesCache
    lru_cache kept every closed widget's lines; frozen cycles waited for a pause that never came)."""
    from textual._styles_cache import StylesCache
    from textual.strip import Strip

    from tui.app import ClaimtagApp
    from tui.screens.reader.screen import ReaderScreen

    app = ClaimtagApp(seeded_store, schema, "alice")
    counts = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for i in range(36):
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ReaderScreen)
            await pilot.press("escape")
            await pilot.pause()
            if i in (11, 35):
                counts.append((_alive(StylesCache), _alive(Strip), _alive(ReaderScreen)))
    (caches1, strips1, readers1), (caches2, strips2, readers2) = counts
    assert readers2 <= max(readers1, 2), "closed reader screens are kept alive"
    assert caches2 <= caches1 + 10 and strips2 <= strips1 + 300, counts


def test_many_opens_without_a_pause_still_get_a_deep_collection(monkeypatch):
    from tui.services.gc import DEEP_AT_THE_LATEST

    calls = []
    for name in ("collect", "freeze", "unfreeze"):
        monkeypatch.setattr(gc, name, lambda *a, _n=name: calls.append(_n) or 0)
    idle = IdleCollector(Clock())
    for _ in range(DEEP_AT_THE_LATEST - 1):
        idle.settle()
    assert "unfreeze" not in calls
    idle.settle()  # no pause came: the open itself collects the closed articles' cycles
    assert calls[-3:] == ["unfreeze", "collect", "freeze"] and idle.settles == 0
