"""Every reader binding, pressed in the real app (Pilot): then the store and the screen are checked."""

from __future__ import annotations

import pytest

from annotations.models import Claim
from tui.app import ClaimtagApp
from tui.screens.list.screen import ArticleListScreen
from tui.screens.reader.screen import ReaderScreen
from tui.testing import screen_text
from tui.widgets.text_view import ArticleTextView

pytestmark = pytest.mark.anyio

FIRST = "000_ecb1173961431c24"  # "Russian media: China is ruthlessly breaking ..."
OBSERVERS = "001_7a089fa4fc1eff1a"


async def open_reader(app, pilot, article_id=FIRST):
    await pilot.pause()
    app.screen.open_article(article_id)
    await pilot.pause()
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


def claims(store, article_id=FIRST) -> list[Claim]:
    return store.claims(article_id, "alice")


async def test_list_enter_opens_first_article_and_escape_returns(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "5 articles" in text and "Russian media" in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert "Russian media: China is ruthlessly" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ArticleListScreen)


async def test_number_keys_tag_the_sentence_with_stance(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("1")
        (claim,) = claims(seeded_store)
        assert claim.stance == "favor" and claim.type == "fact" and claim.start == 0
        assert claim.quote == "Russian media: China is ruthlessly breaking the US dominance in the artificial intelligence race!"
        await pilot.press("j", "2", "j", "3")
        await pilot.pause()
        assert [c.stance for c in claims(seeded_store)] == ["favor", "against", "neutral"]
        text = screen_text(app)
        assert "3 claims" in text and "saved" in text
        assert reader.session.state.status == "in progress"


async def test_type_keys_target_delete_and_claim_navigation(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("2", "o")  # a non-default type: two keystrokes
        assert [(c.stance, c.type) for c in claims(seeded_store)] == [("against", "opinion")]
        await pilot.press("p")
        assert claims(seeded_store)[0].type == "prediction"
        await pilot.press("f")
        assert claims(seeded_store)[0].type == "fact"
        await pilot.press("t")
        assert claims(seeded_store)[0].target == "US AI policy"
        await pilot.press("j", "j", "3", "k", "k")
        await pilot.press("n")  # next claim: the one on sentence 3
        reader = app.screen
        assert reader.session.claim_under_cursor().stance == "neutral"
        await pilot.press("N")
        assert reader.session.claim_under_cursor().stance == "against"
        await pilot.press("x")
        assert [c.stance for c in claims(seeded_store)] == ["neutral"]
        await pilot.pause()
        assert "1 claim" in screen_text(app)


async def test_word_keys_change_the_selection_before_tagging(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("h", "h", "H")  # end back two words, start forward one word
        await pilot.press("1")
        (claim,) = claims(seeded_store)
        assert claim.quote == "media: China is ruthlessly breaking the US dominance in the artificial"
        await pilot.press("l", "L", "2")
        quotes = sorted(c.quote for c in claims(seeded_store))
        assert "Russian media: China is ruthlessly breaking the US dominance in the artificial intelligence" in quotes
        assert reader.query_one(ArticleTextView).selection == reader.session.selection


async def test_undo_and_redo_through_the_keys(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("1", "o", "j", "2")
        assert len(claims(seeded_store)) == 2
        await pilot.press("u", "u")
        assert [(c.stance, c.type) for c in claims(seeded_store)] == [("favor", "fact")]
        await pilot.press("u", "u")
        assert claims(seeded_store) == []
        await pilot.pause()
        assert "nothing to undo" in screen_text(app)
        await pilot.press("ctrl+r", "ctrl+r", "ctrl+r")
        assert [(c.stance, c.type) for c in claims(seeded_store)] == [("favor", "opinion"), ("against", "fact")]


async def test_article_labels_picker(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        text = screen_text(app)
        assert "Article labels" in text and "[ ] favor" in text and "[ ] geopolitical" in text
        await pilot.press("2")  # stance: against, then the picker moves on to frame
        await pilot.press("1", "3", "escape")  # frame: economic + security
        state = seeded_store.state(FIRST, "alice")
        assert state.labels == {"stance": ["against"], "frame": ["economic", "security"]}
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert "economic, security" in screen_text(app)
        await pilot.press("u")
        assert seeded_store.state(FIRST, "alice").labels["frame"] == ["economic"]


async def test_done_marks_the_article_and_opens_the_next_todo(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        assert seeded_store.state(FIRST, "alice").status == "done"
        assert reader.session.article.id == OBSERVERS
        assert "Observers Network" in screen_text(app)


async def test_note_on_a_claim(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot)
        for key in ["1", "e", *"TASS", "space", *"quote", "enter"]:  # one burst, as over a slow link
            app.simulate_key(key)
        await pilot.pause()
        await pilot.press("e", "backspace", "backspace", "space", "é", "enter")
        await pilot.pause()
        assert claims(seeded_store)[0].note == "TASS quo é"
        await pilot.press("e", "x", "escape")  # cancel keeps the note
        assert claims(seeded_store)[0].note == "TASS quo é"


async def test_search_selects_matches(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("slash", *"hsbc", "enter")
        await pilot.pause()
        start, end = reader.session.selection
        assert reader.session.text[start:end] == "HSBC"
        assert "match 1 of" in screen_text(app)
        await pilot.press("escape")  # closes the search, stays in the reader
        await pilot.press("1")
        assert claims(seeded_store)[0].quote == "HSBC"
        assert isinstance(app.screen, ReaderScreen)


async def test_help_shows_bindings_and_guidelines(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(100, 50)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "tag the selection as a claim, stance favor" in text
        assert "Guidelines" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)


async def test_quit_from_the_reader_keeps_everything(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("1", "q")
        await pilot.pause()
    assert app.return_code == 0
    assert len(claims(seeded_store)) == 1


async def test_changes_from_another_process_appear(seeded_store, schema):
    from annotations.editing import ArticleSession

    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot)
        other = ArticleSession(type(seeded_store)(seeded_store.root), schema, seeded_store.article(FIRST), "alice")
        other.move_sentence(1)
        other.tag("against")
        app.poll_store()
        await pilot.pause()
        assert "1 claim" in screen_text(app)


async def test_tab_moves_focus_to_the_claims_panel_where_j_walks_claims(seeded_store, schema):
    from tui.widgets.claims_panel import ClaimsPanel

    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("1", "j", "j", "2", "k", "k")
        await pilot.press("tab")
        assert isinstance(app.focused, ClaimsPanel)
        await pilot.press("j")
        assert reader.session.claim_under_cursor().stance == "against"
        await pilot.press("k")
        assert reader.session.claim_under_cursor().stance == "favor"
        await pilot.press("tab")
        assert isinstance(app.focused, ArticleTextView)


async def test_untrusted_article_text_is_shown_literally(store, schema):
    from annotations.models import NewArticle
    from annotations.text.normalize import normalize_text

    raw = "[bold]Headline[/] [@click=app.quit]click me[/]\nBody with \x1b]0;pwned\x07 escape and [red]x[/red]."
    text, removed = normalize_text(raw)
    store.add_articles([NewArticle("evil", "[@click=app.quit]Title[/]", "evil.txt", text, {}, removed)])
    app = ClaimtagApp(store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "[@click=app.quit]Title[/]" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        shown = screen_text(app)
        assert "[bold]Headline[/] [@click=app.quit]click me[/]" in shown
        assert "[red]x[/red]" in shown
        assert "\x1b" not in shown and "pwned" in shown
        await pilot.click(ArticleTextView, offset=(25, 0))  # on "click me": nothing happens but selection
        await pilot.press("1")
        assert app.is_running
        assert store.claims("evil", "alice")[0].quote.startswith("[bold]Headline[/]")


async def test_keys_remapped_in_the_schema_file_drive_the_reader(seeded_store, tmp_path):
    from annotations.schema import load_schema

    toml = tmp_path / "claimtag.toml"
    toml.write_text(
        'targets = ["Chinese AI"]\n'
        '[[claim_types]]\nname = "fact"\nkey = "F"\n'
        '[[claim_types]]\nname = "opinion"\nkey = "O"\n'
        '[[stances]]\nname = "pro"\nkey = "7"\ncolor = "green"\n'
        '[[stances]]\nname = "con"\nkey = "8"\ncolor = "red"\n'
        '[[labels]]\nname = "stance"\nvalues = [{name = "pro", key = "1"}, {name = "con", key = "2"}]\n'
        '[keys]\nnext_sentence = ["s", "down"]\nundo = "z"\n', encoding="utf-8")
    schema = load_schema(None, tmp_path)
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("7", "s", "8", "O")
        assert [(c.stance, c.type) for c in claims(seeded_store)] == [("pro", "fact"), ("con", "opinion")]
        await pilot.press("z")
        assert [(c.stance, c.type) for c in claims(seeded_store)] == [("pro", "fact"), ("con", "fact")]
        await pilot.press("j")  # no longer bound: nothing happens
        assert app.screen.session.claim_under_cursor().stance == "con"
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "tag the selection as a claim, stance pro" in text and "s / ↓" in text


async def test_claims_on_an_older_text_are_reported_not_shifted(seeded_store, schema):

    from annotations.models import NewArticle

    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("j", "1")
        await pilot.press("escape")
    article = seeded_store.article(FIRST)
    old_text = seeded_store.text(article.sha256)
    seeded_store.add_articles([NewArticle(FIRST, article.title, article.source, "NEW FIRST LINE.\n" + old_text, {})])
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.pause()
        text = screen_text(app)
        assert "1 claims on an older text need review" in text or "claims were made on an older text" in text
        assert reader.session.claims == []  # nothing drawn at shifted offsets
    (stale,) = seeded_store.stale_claims("alice")
    assert stale.quote.startswith("Despite the U.S.") and stale.text_sha256 == article.sha256


async def test_done_prefers_the_next_untouched_article(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(app, pilot, OBSERVERS)
        await pilot.press("1", "escape")  # the second article is now in progress
        reader = await open_reader(app, pilot, FIRST)
        await pilot.press("d")
        assert reader.session.article.id == "002_45969eb7d7822045"
        for _ in range(3):
            await pilot.press("d")  # 002, 003, 004 done: then the one still in progress
        assert reader.session.article.id == OBSERVERS
        await pilot.press("d")
        await pilot.pause()
        assert "marked done" in screen_text(app)
        assert reader.session.article.id == OBSERVERS  # nothing left to open: stays
    assert {s.status for s in seeded_store.states("alice")} == {"done"}


async def test_no_color_keeps_claims_visible_by_text_style(seeded_store, schema, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("1", "j", "2", "o")
        assert app.no_color
        styles = [h.style for h in reader.highlights()]
        assert {s.color for s in styles} == {None}  # no colour turned into an unreadable grey
        assert styles[0].underline and styles[2].italic  # fact underlined, opinion in italics
        # issue 11: without colour the stance vanished and two claims side by side merged into one band


async def test_no_color_shows_stance_in_a_gutter_and_where_each_claim_starts(seeded_store, schema, monkeypatch):
    """Issue 11: under NO_COLOR the stance disappeared from the text and adjacent claims of one type and
    stance merged into one band. A gutter names each line's stances (F/A/N); each claim's first character
    is reversed, so two claims side by side show two starts."""
    from tui.testing import screen_strips

    monkeypatch.setenv("NO_COLOR", "1")
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("c", "1", "c", "1", "j", "2", "j")  # two clauses of sentence 1 (favor), sentence 2 against
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert lines[1].startswith(" F·· Russian media") and any(line.startswith(" ·A· ") for line in lines[2:6])
        starts = [seg.text for strip in screen_strips(app)[1:3] for seg in strip
                  if seg.text.strip() and seg.style and seg.style.reverse and not seg.style.bold]  # bold: selection
        assert starts == ["R", "C"]  # "Russian media" and "China is ruthlessly ...": two claims, two starts


async def test_claims_panel_numbers_and_marks_stay_right_when_claims_shift(seeded_store, schema):
    """The panel reuses a claim's drawn rows while the claim, its number and the cursor mark are the
    same: a claim tagged before the others must renumber them, and the mark must follow the cursor."""
    from tui.widgets.claims_panel import ClaimsPanel

    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(160, 48)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("j", "j", "2", "j", "3")  # claims on sentences 3 and 4
        await pilot.press("k", "k", "k", "1")  # then one on sentence 1, before them
        await pilot.pause()
        panel = app.screen.query_one(ClaimsPanel)
        rows = [panel.render_line(y) for y in range(panel.content_size.height)]
        heads = [strip.text for strip in rows if strip.text.lstrip().startswith("▌") and "→" in strip.text]
        assert [h.split()[1:3] for h in heads] == [["1", "favor"], ["2", "against"], ["3", "neutral"]]
        marked = [strip.text.split()[1] for strip in rows if any(seg.style and seg.style.reverse for seg in strip)
                  and "→" in strip.text]
        assert marked == ["1"]  # the cursor is on the new first claim
        await pilot.press("n")
        await pilot.pause()
        rows = [panel.render_line(y) for y in range(panel.content_size.height)]
        marked = [strip.text.split()[1] for strip in rows if any(seg.style and seg.style.reverse for seg in strip)
                  and "→" in strip.text]
        assert marked == ["2"]
