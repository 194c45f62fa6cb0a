"""The annotator's frictions a real trial found (issue 11), each pressed in the real app (Pilot): counts in
words, status after undo, Escape and a key in one read, the status line, the title row, the labels
picker, clause keys, visible focus."""

from __future__ import annotations

import pytest

from tests.tui.test_app_reader import FIRST, OBSERVERS, claims, open_reader
from tui.app import ClaimtagApp
from tui.screens.reader.screen import ReaderScreen
from tui.testing import screen_text

pytestmark = pytest.mark.anyio


async def test_search_counts_in_words(seeded_store, schema):
    """One match is "1 match" (issue 11: it said "1 matches")."""
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("slash", *"tass")
        await pilot.pause()
        assert "1 match ·" in screen_text(app)
        await pilot.press("backspace", "backspace", "backspace", "backspace", *"the")
        await pilot.pause()
        assert "31 matches ·" in screen_text(app)


async def test_undoing_every_claim_makes_the_article_todo_again(seeded_store, schema):
    """Issue 11: after every claim was undone the status stayed "in progress"."""
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("1", "j", "2")
        await pilot.pause()
        assert seeded_store.state(FIRST, "alice").status == "in progress"
        await pilot.press("u", "u")
        await pilot.pause()
        assert seeded_store.state(FIRST, "alice").status == "todo" and reader.session.state.status == "todo"
        await pilot.press("a", "1", "escape", "1", "u")  # a label set: the work has started, whatever the claims
        await pilot.pause()
        assert claims(seeded_store) == [] and seeded_store.state(FIRST, "alice").status == "in progress"


async def test_escape_and_the_next_key_in_one_read_are_both_kept(seeded_store, schema):
    """Issue 11: a laggy link delivers Escape and the next key together, which Textual reads as alt+key;
    both were lost. Here: search, then Esc+1 at once: the search closes and the match is tagged."""
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("slash", *"hsbc", "enter", "alt+1")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert [c.quote for c in claims(seeded_store)] == ["HSBC"]
        await pilot.press("alt+q")  # Esc (back to the list), then q: quit
        await pilot.pause()
    assert app.return_code == 0


async def test_status_message_is_not_cut_for_the_key_hints(seeded_store, schema):
    """Issue 11: at 80x24 the message was cut to ~40 columns ("undo: type -> predic...")."""
    from tui.testing import screen_lines

    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("1", "p", "u")
        await pilot.pause()
        assert "undo: type → prediction" in screen_lines(app)[-1]


async def test_the_title_row_does_not_repeat_the_first_line(seeded_store, schema):
    """Issue 11: the reader showed the article's first line as a title row right above that same line."""
    from tui.testing import screen_lines

    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot)
        lines = screen_lines(app)
        assert lines[0].strip().startswith(f"{FIRST} · ") and "Russian media" not in lines[0]
        assert lines[1].strip().startswith("Russian media: China is ruthlessly")


async def test_a_title_cut_short_is_not_repeated_either(store, schema):
    """The corpus reader cuts a long first line to make the title (with "…"): still the first line."""
    import io

    from conftest import SEEDS

    from annotations.corpus import add_paths
    from tui.testing import screen_lines

    add_paths(store, [SEEDS], out=io.StringIO(), err=io.StringIO())
    assert store.article(OBSERVERS).title.endswith("…")
    app = ClaimtagApp(store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot, OBSERVERS)
        lines = screen_lines(app)
        assert lines[0].strip().startswith(f"{OBSERVERS} · ") and "Observers" not in lines[0]


async def test_labels_keys_land_where_the_picker_shows_and_never_silently_clear(seeded_store, schema):
    """Issue 11: `a 1 Down 1 2 4` ended with stance cleared (the picker moved on to frame, Down wrapped
    back to stance, and 1 toggled favor off)."""
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("a", "1", "down", "1", "2", "4")
        await pilot.pause()
        labels = seeded_store.state(FIRST, "alice").labels
        assert labels == {"stance": ["favor"], "frame": ["economic", "geopolitical", "technology"]}
        await pilot.press("up", "1")  # the chosen single value again: kept, not cleared (and on to frame)
        await pilot.pause()
        assert seeded_store.state(FIRST, "alice").labels["stance"] == ["favor"]
        await pilot.press("up", "backspace")  # clearing is a key of its own
        await pilot.pause()
        assert seeded_store.state(FIRST, "alice").labels["stance"] == []
        await pilot.press("escape", "u")
        await pilot.pause()
        assert seeded_store.state(FIRST, "alice").labels["stance"] == ["favor"]


async def test_a_clause_is_tagged_in_three_keys(seeded_store, schema):
    """Issue 11: trimming a clause out of a sentence took 19 keys. `c` walks the sentence's clauses."""
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("c", "c", "2")
        await pilot.pause()
        (claim,) = claims(seeded_store)
        assert claim.quote == "China is ruthlessly breaking the US dominance in the artificial intelligence race"
        assert claim.stance == "against"
        await pilot.press("C", "w", "1")  # back to "Russian media", then joined with the next clause
        await pilot.pause()
        assert [c.quote for c in claims(seeded_store)][0].startswith("Russian media: China is ruthlessly")


async def test_f_and_t_cut_a_claim_at_a_typed_character(seeded_store, schema):
    """Issue 11: the byline of 001's first sentence could not be trimmed to start at "Chinese" (9 keys and
    still wrong). `F C` moves the start onto the next C, `T (` the end before the next "(": 5 keys with
    the stance, typed in one burst (the character is never taken as a reader key: `C`, `(`)."""
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot, OBSERVERS)
        await pilot.press("F", "C", "T", "left_parenthesis", "1")
        await pilot.pause()
        (claim,) = claims(seeded_store, OBSERVERS)
        assert claim.quote == "Chinese artificial intelligence" and claim.stance == "favor"
        await pilot.press("T", "#")  # no # in the text: said, nothing moves
        await pilot.pause()
        assert "no '#' after the selection start" in screen_text(app)
        assert app.screen.session.selection == (claim.start, claim.end)
        await pilot.press("T", "escape", "1")  # Esc cancels the T; 1 tags the same span again (no new claim)
        await pilot.pause()
        assert len(claims(seeded_store, OBSERVERS)) == 1 and isinstance(app.screen, ReaderScreen)


async def test_plus_puts_a_second_target_on_the_same_span(seeded_store, schema):
    """Issue 11: one span, two claims (two targets), as the guidelines say; the panel tells them apart by
    target and shows each claim's note, not only a mark."""
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(160, 48)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("1", "plus", "2")
        await pilot.pause()
        assert sorted((c.target, c.stance) for c in claims(seeded_store)) == [("Chinese AI", "favor"),
                                                                              ("US AI policy", "against")]
        assert "another claim on the span" not in screen_text(app)  # the stance key spoke last
        await pilot.press("e", *"hedged", "enter")
        await pilot.pause()
        text = screen_text(app)
        assert "→ US AI policy ✎ hedged" in text and "→ Chinese AI" in text
        await pilot.press("plus")  # both targets used
        await pilot.pause()
        assert "every target has a claim on this span" in screen_text(app) and len(claims(seeded_store)) == 2


async def test_a_long_note_wraps_with_its_end_and_the_keys_in_view(seeded_store, schema):
    """Issue 11: past ~75 characters the note was invisible, with no cursor and the "Enter save" hint gone."""
    app = ClaimtagApp(seeded_store, schema, "alice")
    note = " ".join(f"word{i:03d}" for i in range(120))  # ~960 characters: more than 8 lines at 80 columns
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("1", "e", *note[:199])
        await pilot.pause()
        text = screen_text(app)
        assert "Enter save" in text and "word000" in text and "word024▏" in text  # wrapped, cursor at the end
        await pilot.press(*note[199:])
        await pilot.pause()
        text = screen_text(app)
        assert "Enter save" in text and "word119▏" in text and "more lines above" in text
        await pilot.press("enter")
        await pilot.pause()
        assert claims(seeded_store)[0].note == note


@pytest.mark.parametrize("size,glyph", [((80, 24), "▀"), ((160, 48), "█")])
async def test_tab_shows_which_pane_has_focus_without_colour(seeded_store, schema, size, glyph):
    """Issue 11: Tab moved focus with no visible change (a grey from 158 to 160). The focused pane gets a
    thick border: a different glyph, so it shows under NO_COLOR and 16 colours too."""
    from tui.testing import screen_text as text_of

    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=size) as pilot:
        await open_reader(app, pilot)
        assert glyph not in text_of(app)
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused.id == "claims" and glyph in text_of(app)
