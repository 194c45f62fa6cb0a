"""Process-level services: several apps in one process (the SSH server's case) share one store watcher
and one garbage-collection policy; each app still hears of other processes' saves."""

from __future__ import annotations

import asyncio
import gc

import pytest

from annotations.editing import ArticleSession
from annotations.store import Store
from tui.app import create_app
from tui.screens.list.screen import ArticleListScreen
from tui.services import gc as idle_gc
from tui.services.store_watch import StoreWatcher, watcher_for

pytestmark = pytest.mark.anyio


def test_one_watcher_per_store_folder(seeded_store):
    again = Store(seeded_store.root)
    assert watcher_for(seeded_store) is watcher_for(again)


def test_watcher_tells_every_subscriber_once_per_change(seeded_store, schema):
    watcher = StoreWatcher(seeded_store, interval=3600)
    heard_a, heard_b = [], []
    watcher.subscribe(heard_a.append)
    watcher.subscribe(heard_b.append)
    try:
        assert not watcher.poll()
        ArticleSession(Store(seeded_store.root), schema, seeded_store.articles()[0], "bob").tag("favor")
        assert watcher.poll() and not watcher.poll()
        assert len(heard_a) == len(heard_b) == 1
    finally:
        watcher.unsubscribe(heard_a.append)
        watcher.unsubscribe(heard_b.append)


async def test_two_apps_in_one_process_share_the_services(seeded_store, schema):
    threshold = gc.get_threshold()
    first, second = create_app(seeded_store, schema, "alice"), create_app(seeded_store, schema, "bob")
    assert first.watcher is second.watcher and first.idle_gc is second.idle_gc is idle_gc.SHARED
    async with first.run_test(size=(80, 24)) as p1:
        async with second.run_test(size=(80, 24)) as p2:
            await p1.pause()
            await p2.pause()
            assert idle_gc.SHARED.users == 2 and gc.get_threshold()[2] == idle_gc.FULL_THRESHOLD
            # another process saves: both apps re-read their lists
            reloads: list[str] = []
            for app in (first, second):
                app.screen.reload_in_background = lambda who=app.annotator: reloads.append(who)
            other = Store(seeded_store.root)
            ArticleSession(other, schema, other.articles()[0], "carol").tag("favor")
            first.poll_store()
            for _ in range(20):
                await asyncio.sleep(0.05)
                await p1.pause()
                await p2.pause()
            assert isinstance(first.screen, ArticleListScreen) and isinstance(second.screen, ArticleListScreen)
            assert sorted(reloads) == ["alice", "bob"]
        assert idle_gc.SHARED.users == 1 and gc.get_threshold()[2] == idle_gc.FULL_THRESHOLD  # first still runs
    assert idle_gc.SHARED.users == 0 and gc.get_threshold() == threshold


def test_the_output_thread_outlives_a_terminal_that_went_away():
    """textual_fixes: a write to a hung-up terminal fails (EIO); the driver's writer thread goes on taking
    its 30-slot queue, so the app's own writes (the shutdown's escape sequences) never block."""
    import errno
    import threading

    from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread

    import tui.services.textual_fixes  # noqa: F401  (applied on import)

    class HungUp:
        def __init__(self) -> None:
            self.written = 0

        def write(self, text: str) -> int:
            self.written += 1
            raise OSError(errno.EIO, "Input/output error")

        def flush(self) -> None:
            raise OSError(errno.EIO, "Input/output error")

    terminal = HungUp()
    writer = WriterThread(terminal)  # type: ignore[arg-type]
    writer.start()

    def shutdown_writes() -> None:
        for _ in range(MAX_QUEUED_WRITES * 5):
            writer.write("\x1b[?1000l")
        writer.stop()

    done = threading.Thread(target=shutdown_writes, daemon=True)
    done.start()
    done.join(timeout=10)
    assert not done.is_alive() and not writer.is_alive()
    assert terminal.written == 1  # the first failure: nothing more is tried
