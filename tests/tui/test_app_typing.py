"""Typing into the app as people and SSH links deliver it: keys in one burst, é and 中, pastes.
Everything typed lands where it was meant, in order (Pilot; the store and the screen are checked)."""

from __future__ import annotations

import pytest
from test_app_reader import FIRST, OBSERVERS, claims

from tui.app import ClaimtagApp
from tui.screens.reader.screen import ReaderScreen

pytestmark = pytest.mark.anyio


async def test_keys_typed_ahead_act_on_the_screen_they_were_meant_for(seeded_store, schema):
    """Keys arriving in one burst (a fast typist, an SSH link bunching packets) are not lost while
    screens open: Enter opens the reader and the next keys already tag in it; 'a' opens the labels
    picker and the next keys already choose labels."""
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in ["enter", "1", "j", "2", "a", "2", "1", "escape", "escape", "j", "enter", "3", "d", "1"]:
            app.simulate_key(key)
        for _ in range(4):
            await pilot.pause()
    first = [(c.stance, c.quote[:14]) for c in claims(seeded_store, FIRST)]
    assert first == [("favor", "Russian media:"), ("against", "Despite the U.")]
    assert seeded_store.state(FIRST, "alice").labels == {"stance": ["against"], "frame": ["economic"]}
    assert [c.stance for c in claims(seeded_store, OBSERVERS)] == ["neutral"]
    assert seeded_store.state(OBSERVERS, "alice").status == "done"
    assert [c.stance for c in claims(seeded_store, "002_45969eb7d7822045")] == ["favor"]


async def test_typing_on_the_list_filters_and_a_burst_of_keys_is_all_kept(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in "observers":
            app.simulate_key(key)
        for key in ["enter", "slash", *"hsbc", "enter", "escape", "1"]:
            app.simulate_key(key)
        for _ in range(4):
            await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.session.article.id == OBSERVERS
    assert [c.quote for c in claims(seeded_store, OBSERVERS)] == ["HSBC"]


async def test_list_filter_takes_non_ascii_characters(store, schema):
    from annotations.models import NewArticle

    store.add_articles([NewArticle("zh", "中国人工智能", "zh.txt", "中国人工智能 正在追赶。", {}),
                        NewArticle("fr", "Économie", "fr.txt", "Le marché.", {})])
    app = ClaimtagApp(store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("中", "国", "enter")
        await pilot.pause()
        assert app.screen.session.article.id == "zh"
        await pilot.press("escape", "escape", "É", "enter")
        await pilot.pause()
        assert app.screen.session.article.id == "fr"


async def test_non_ascii_characters_and_pastes_in_a_burst_stay_in_order(store, schema):
    """é, 中 and pasted text reach the filter and the prompts in order with the keys around them:
    a burst "中国" Enter opens the Chinese article (not the first row), a pasted search runs before
    the Enter after it, and a note typed in a burst keeps its accents."""
    from textual import events

    from annotations.models import NewArticle

    store.add_articles([NewArticle("aa", "Another article", "a.txt", "Nothing here. Still nothing.", {}),
                        NewArticle("zh", "中国人工智能", "zh.txt", "中国人工智能 正在追赶。 第二句。", {}),
                        NewArticle("fr", "Économie", "fr.txt", "Le marché baisse. Les prix montent.", {})])

    def key(ch: str) -> events.Key:
        return events.Key(ch, ch)

    app = ClaimtagApp(store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for event in [key("中"), key("国"), events.Key("enter", None)]:
            app.post_message(event)
        for _ in range(3):
            await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and app.screen.session.article.id == "zh"
        for event in [events.Key("escape", None), events.Key("escape", None), events.Paste("Écon"),
                      events.Key("enter", None), events.Key("slash", "/"), events.Paste("prix"),
                      events.Key("enter", None), events.Key("escape", None), events.Key("1", "1"),
                      events.Key("e", "e"),
                      key("é"), key("t"), key("é"), events.Key("enter", None)]:
            app.post_message(event)
        for _ in range(4):
            await pilot.pause()
        assert app.screen.session.article.id == "fr"
    (claim,) = claims(store, "fr")
    assert claim.quote == "prix" and claim.note == "été"


def test_a_pasted_line_loses_breaks_and_controls():
    from tui.app import paste_line

    assert paste_line("first\nsecond\r\nthird\x1b[31m") == "first second third[31m"
