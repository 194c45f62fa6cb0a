"""The app over a store another member tampered with (issue 8): every stored string it draws goes
through the one display-safe gate, and a store it cannot write is a message, never a crash or a lost
keystroke without saying so."""

from __future__ import annotations

import pytest

from annotations.models import Claim, NewArticle
from annotations.store import Store
from annotations.store import lock as store_lock
from annotations.text.display import UNSAFE
from tui.app import ClaimtagApp
from tui.screens.reader.screen import ReaderScreen
from tui.testing import notifications, screen_strips, screen_text

pytestmark = pytest.mark.anyio

EVIL = "\x1b]0;PWNED\x07\x1b[2J\u202e\x9b"
TEXT = "China leads in AI. The US disagrees strongly.\nAnother line."


def unsafe_segments(app) -> list[str]:
    return [seg.text for strip in screen_strips(app) for seg in strip if UNSAFE.search(seg.text)]


async def test_no_stored_string_reaches_the_terminal_raw(store, schema):
    """Records written past the importer (by hand, or an older claimtag) with escapes in every field."""
    aid = f"evil{EVIL}"
    store.add_articles([NewArticle(aid, f"Title{EVIL}", f"src{EVIL}.txt", TEXT, {"k": EVIL})])
    art = store.article(aid)
    store.save_claim(Claim(f"c{EVIL}", aid, art.sha256, 0, 18, TEXT[:18], f"fact{EVIL}", f"favor{EVIL}",
                           f"target{EVIL}", "alice", note=f"note{EVIL}"))
    app = ClaimtagApp(store, schema, "alice")
    notes = notifications(app)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await pilot.pause()
        assert "Title" in screen_text(app) and unsafe_segments(app) == []
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert "target" in screen_text(app) and unsafe_segments(app) == []
        await pilot.press("question_mark")
        await pilot.pause()
        assert unsafe_segments(app) == []
        await pilot.press("escape")
        await pilot.pause()
        app.report_error(RuntimeError(f"about {aid}"))  # messages quote stored strings too
        await pilot.pause()
        assert unsafe_segments(app) == []
    assert all(UNSAFE.search(n) is None for n in notes)


async def test_a_store_that_cannot_be_written_says_so_and_keeps_the_app(seeded_store, schema, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    store_lock._FILES.clear()  # as in a fresh process (a new Store): the lock file is opened on the first save
    monkeypatch.setattr(store_lock, "open_regular", denied)
    app = ClaimtagApp(Store(seeded_store.root), schema, "bob")
    notes = notifications(app)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("1")  # tag the sentence: the save is refused
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert seeded_store.claims(app.screen.article_id) == []
        assert any("cannot write to the store: permission denied" in n for n in notes), notes
    store_lock._FILES.clear()
