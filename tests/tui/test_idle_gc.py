"""tui/idle_gc.py: full collections wait for a pause in the keys; Python's settings come back after."""

from __future__ import annotations

import gc

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
