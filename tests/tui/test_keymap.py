"""Every screen's keys come from the schema's keymap: remapped keys act, the defaults they replace do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.schema import load_schema
from tui.app import create_app
from tui.screens.help.screen import HelpScreen
from tui.screens.labels.screen import LabelsScreen
from tui.screens.list.screen import ArticleListScreen
from tui.screens.prompt.search_bar import SearchBar
from tui.screens.reader.screen import ReaderScreen
from tui.testing import screen_text

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]

REMAP = """
[keys]
undo = "z"
next_sentence = ["ctrl+n"]
list.open = "o"
list.cursor_down = "s"
[keys.labels]
close = "c"
[keys.help]
close = "f1"
[keys.prompt]
cancel = "ctrl+g"
[keys.claims]
next_claim = "ctrl+j"
[keys.app]
quit = "ctrl+q"
"""


@pytest.fixture
def remapped(tmp_path):
    base = (ROOT / "annotations" / "schema" / "default_schema.toml").read_text(encoding="utf-8")
    (tmp_path / "claimtag.toml").write_text(base + REMAP, encoding="utf-8")
    return load_schema(tmp_path / "claimtag.toml")


async def test_remapped_keys_act_in_every_screen(seeded_store, remapped):
    app = create_app(seeded_store, remapped, "alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ArticleListScreen)
        await pilot.press("s", "o")  # list: down, open (Enter still opens too: it was not remapped away)
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        reader = app.screen
        assert reader.article_id == "001_7a089fa4fc1eff1a"
        first = reader.session.selection
        await pilot.press("j")  # no longer bound in the reader
        assert reader.session.selection == first
        await pilot.press("ctrl+n", "1")
        assert len(seeded_store.claims(reader.article_id, "alice")) == 1
        await pilot.press("u")  # no longer undo
        assert len(seeded_store.claims(reader.article_id, "alice")) == 1
        await pilot.press("z")
        await pilot.pause()
        assert seeded_store.claims(reader.article_id, "alice") == []
        assert "undo: tagged fact · favor" in screen_text(app)

        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, LabelsScreen)
        await pilot.press("escape")  # not close any more
        await pilot.pause()
        assert isinstance(app.screen, LabelsScreen)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)

        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "F1 closes help" in screen_text(app) or "f1 closes help" in screen_text(app)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)

        await pilot.press("slash", "x", "escape")  # Escape is text-free but not cancel any more
        await pilot.pause()
        assert isinstance(app.screen, SearchBar)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)

        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_help_from_the_list_shows_the_list_keys(seeded_store, schema):
    app = create_app(seeded_store, schema, "alice")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "Keys in the article list" in text and "open the article" in text
        assert "move the selection to the next sentence" not in text
