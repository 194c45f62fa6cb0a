"""The reviewer's app in Pilot: every review key pressed, then the gold layer in the store and the
screen are checked; blind review never draws an annotator's name."""

from __future__ import annotations

import pytest

from annotations.models import GOLD
from tests.conftest import FIRST, OBSERVERS
from tui.app import ClaimtagApp
from tui.screens.review.screen import ReviewScreen
from tui.screens.review_list.screen import ReviewListScreen
from tui.testing import screen_text

pytestmark = pytest.mark.anyio


def reviewer_app(store, schema, blind=False) -> ClaimtagApp:
    return ClaimtagApp(store, schema, "lead", role="reviewer", blind=blind)


async def rows_read(app, pilot) -> None:
    """The review list reads its rows in a worker: wait for it."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def settled(app, pilot) -> None:
    """Keys handled and the review writer's queue saved (it saves steps in a thread of its own)."""
    await pilot.pause()
    for screen in app.screen_stack:
        if isinstance(screen, ReviewScreen):
            screen.writer.flush()
    await pilot.pause()


async def open_observers(app, pilot) -> ReviewScreen:
    await rows_read(app, pilot)
    assert isinstance(app.screen, ReviewListScreen)
    await pilot.press("j", "enter")  # rows by id: FIRST, OBSERVERS, ...
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen) and app.screen.session.article.id == OBSERVERS
    return app.screen


def gold(store, aid=OBSERVERS):
    return [(c.start, c.end, c.stance, c.type, c.target) for c in store.claims(aid, GOLD)]


def hows(store, aid=OBSERVERS):
    return sorted(d.how for d in store.decisions(aid))


async def test_review_list_shows_conflicts_filters_and_sorts(review_store, schema):
    app = reviewer_app(review_store, schema)
    async with app.run_test(size=(100, 24)) as pilot:
        await rows_read(app, pilot)
        text = screen_text(app)
        assert "Review · 5 all articles · 2 open conflicts · 0/5 reviewed" in text
        assert "alice✓ bob✓" in text and "33%" in text and "100%" in text
        await pilot.press("c")
        await settled(app, pilot)
        screen = app.screen
        assert [r.article.id for r in screen.shown] == [OBSERVERS] and "with open conflicts" in screen_text(app)
        await pilot.press("c", "s")
        await settled(app, pilot)
        assert [r.article.id for r in screen.shown][:2] == [OBSERVERS, FIRST]  # lowest agreement first
        await pilot.press("s", "r")
        await settled(app, pilot)
        assert {r.article.id for r in screen.shown} == {OBSERVERS, FIRST}  # opened, gold not done


async def test_keys_typed_before_the_rows_are_read_wait_for_them(review_store, schema):
    app = reviewer_app(review_store, schema)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "enter")  # at once: the rows are still being read
        await rows_read(app, pilot)
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and app.screen.session.article.id == OBSERVERS


async def test_pick_next_conflict_and_back_to_the_list(review_store, schema):
    app = reviewer_app(review_store, schema)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_observers(app, pilot)
        s = screen.session
        assert "unit 1/3 · 2 open · unanimous" in screen_text(app)
        await pilot.press("n")
        await settled(app, pilot)
        assert s.index == 1 and "boundary, stance" in screen_text(app) and "OPEN" in screen_text(app)
        await pilot.press("v", "enter")  # bob's variant
        await settled(app, pilot)
        (c,) = review_store.claims(OBSERVERS, GOLD)
        assert c.stance == "against" and hows(review_store) == ["picked"]
        assert "picked B bob" in screen_text(app) and "picked · from B" in screen_text(app)
        await pilot.press("n")
        await settled(app, pilot)
        assert s.index == 2 and "— no claim here" in screen_text(app)
        await pilot.press("escape")
        await rows_read(app, pilot)
        assert isinstance(app.screen, ReviewListScreen)
        assert "1 open conflicts" in screen_text(app) and "in progress" in screen_text(app)


async def test_edit_keys_change_the_gold_claim(review_store, schema):
    app = reviewer_app(review_store, schema)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_observers(app, pilot)
        await pilot.press("n", "e")
        await settled(app, pilot)
        ((start, end, stance, type_, target),) = gold(review_store)
        assert stance == "favor" and "editing gold" in screen_text(app)
        await pilot.press("3", "o", "t", "h")  # stance neutral, type opinion, next target, end a word left
        await settled(app, pilot)
        ((s2, e2, stance, type_, target2),) = gold(review_store)
        assert (stance, type_) == ("neutral", "opinion") and target2 != target and s2 == start and e2 < end
        assert hows(review_store) == ["edited"]
        assert screen.session.decision.sources == ("alice",)


async def test_no_claim_rationale_accept_undo_redo(review_store, schema):
    app = reviewer_app(review_store, schema)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_observers(app, pilot)
        await pilot.press("n", "n", "x")
        await settled(app, pilot)
        assert hows(review_store) == ["no claim"] and "NO CLAIM HERE" in screen_text(app)
        await pilot.press("r", *"only alice", "enter")
        await settled(app, pilot)
        assert review_store.decisions(OBSERVERS)[0].rationale == "only alice"
        assert "reason: only alice" in screen_text(app)
        await pilot.press("A")
        await settled(app, pilot)
        assert hows(review_store) == ["labels", "no claim", "unanimous"]
        assert review_store.state(OBSERVERS, GOLD).labels == {"frame": ["economic"]}
        assert len(gold(review_store)) == 1
        await pilot.press("u")
        await settled(app, pilot)
        assert hows(review_store) == ["no claim"] and gold(review_store) == []
        assert "undone: accepted" in screen_text(app)
        await pilot.press("u", "u")
        await settled(app, pilot)
        assert hows(review_store) == []
        await pilot.press("ctrl+r", "ctrl+r", "ctrl+r")
        await settled(app, pilot)
        assert hows(review_store) == ["labels", "no claim", "unanimous"]


async def test_one_keystroke_reviews_an_article_where_all_agree(review_store, schema):
    app = reviewer_app(review_store, schema)
    async with app.run_test(size=(80, 24)) as pilot:
        await rows_read(app, pilot)
        await pilot.press("enter")  # FIRST: everything unanimous
        await settled(app, pilot)
        await pilot.press("A")
        await settled(app, pilot)
        assert review_store.state(FIRST, GOLD).status == "done" and len(gold(review_store, FIRST)) == 1


async def test_gold_labels_dialog(review_store, schema):
    app = reviewer_app(review_store, schema)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_observers(app, pilot)
        await pilot.press("a", "j", "2", "escape")  # label set 2 (frame), value 2 (geopolitical)
        await settled(app, pilot)
        assert review_store.state(OBSERVERS, GOLD).labels == {"frame": ["geopolitical"]}
        assert review_store.state(OBSERVERS, "alice").labels == {"frame": ["economic"]}  # annotators' untouched
        assert "gold: frame=geopolitical" in screen_text(app)


async def test_sources_changed_after_an_annotator_edits(review_store, schema):
    app = reviewer_app(review_store, schema)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_observers(app, pilot)
        await pilot.press("n", "enter")
        await settled(app, pilot)
        bob = [c for c in review_store.claims(OBSERVERS, "bob") if c.start == screen.session.unit.start][0]
        review_store.delete_claim(OBSERVERS, bob.id, "bob")
        app.poll_store()
        await pilot.pause(0.3)
        assert "SOURCES CHANGED" in screen_text(app) and hows(review_store) == ["picked"]


async def test_blind_review_never_shows_a_name(review_store, schema):
    app = reviewer_app(review_store, schema, blind=True)
    seen = []
    async with app.run_test(size=(160, 48)) as pilot:
        await rows_read(app, pilot)
        seen.append(screen_text(app))
        await open_observers(app, pilot)
        for key in ("n", "v", "enter", "n", "x", "A", "question_mark"):
            await pilot.press(key)
            await settled(app, pilot)
            seen.append(screen_text(app))
    text = "\n".join(seen)
    assert "alice" not in text and "bob" not in text
    assert "blind" in seen[0] and "from A" in text or "from B" in text


async def test_annotators_never_see_other_layers(review_store, schema):
    app = ClaimtagApp(review_store, schema, "carol")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("j", "enter")
        await settled(app, pilot)
        text = screen_text(app)
        assert "0 claims" in text or "no claims" in text.lower()


async def test_the_other_reader_keys_move_and_edit_bounds(review_store, schema):
    app = reviewer_app(review_store, schema)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_observers(app, pilot)
        s = screen.session
        await pilot.press("j", "j")
        await settled(app, pilot)
        assert s.index == 2 and "unit 3/3" in screen_text(app)
        await pilot.press("k", "N")  # back one, then the previous open conflict (wraps to the last)
        await settled(app, pilot)
        assert s.index == 2
        await pilot.press("k", "enter")  # unit 2, the conflict: alice's (focused) variant into gold
        await settled(app, pilot)
        ((start, end, *_),) = [g for g in gold(review_store)]
        await pilot.press("L")  # start one word left
        await settled(app, pilot)
        ((s2, e2, *_),) = gold(review_store)
        assert s2 < start and e2 == end
        await pilot.press("H", "l")  # start back, end one word right
        await settled(app, pilot)
        ((s3, e3, *_),) = gold(review_store)
        assert s3 == start and e3 > end
        await pilot.press("question_mark")
        await settled(app, pilot)
        assert "Keys in the review reader" in screen_text(app) and "next open conflict" in screen_text(app)
        await pilot.press("escape", "q")
        await settled(app, pilot)
    assert app.return_code == 0


async def test_the_other_list_keys(review_store, schema):
    app = reviewer_app(review_store, schema)
    async with app.run_test(size=(80, 24)) as pilot:
        await rows_read(app, pilot)
        table = app.screen.query_one("DataTable")
        await pilot.press("pagedown")
        await settled(app, pilot)
        assert table.cursor_row == 4
        await pilot.press("pageup", "j", "j", "k")
        await settled(app, pilot)
        assert table.cursor_row == 1
        await pilot.press("question_mark")
        await settled(app, pilot)
        assert "Keys in the review list" in screen_text(app)
        await pilot.press("escape", "q")
        await settled(app, pilot)
    assert app.return_code == 0


async def test_a_refused_save_drops_the_steps_after_it_and_shows_the_store(review_store, schema, monkeypatch):
    """The writer saves in a thread: when the store refuses a step (a full disk), the steps queued after it
    (made on a gold layer never saved) are dropped, the screen says so and shows the store as it is."""
    import threading

    from annotations.errors import StoreWriteError
    from tui.testing import notifications

    app = reviewer_app(review_store, schema)
    real = review_store.apply_gold
    calls = []
    keys_typed = threading.Event()

    def refuse_first(step, reviewer):
        calls.append(step)
        if len(calls) == 1:
            keys_typed.wait(10)  # the disk is slow and then full: the next keys are typed meanwhile
            raise StoreWriteError("cannot write to the store: No space left on device")
        real(step, reviewer)

    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_observers(app, pilot)
        told = notifications(app)
        monkeypatch.setattr(review_store, "apply_gold", refuse_first)
        await pilot.press("n", "enter", "r", *"why", "enter")  # the pick fails; the reason was made on it
        keys_typed.set()
        await settled(app, pilot)
        assert len(calls) == 1, calls
        assert review_store.decisions(OBSERVERS) == []  # the reason was never written
        assert any("No space left" in m for m in told) and "not saved" in screen_text(app)
        assert screen.session.decision is None and screen.session.undo() is None
        await pilot.press("enter")  # the store is writable again: the next step is saved
        await settled(app, pilot)
        assert hows(review_store) == ["picked"]


async def test_another_process_saving_while_steps_are_queued_waits_for_them(review_store, schema, monkeypatch):
    """The store is behind the screen while the writer holds steps: re-reading it then would undo them on
    screen. The re-read waits until they are saved, then shows both."""
    import threading

    app = reviewer_app(review_store, schema)
    real = review_store.apply_gold
    release = threading.Event()

    def slow(step, reviewer):
        release.wait(10)
        real(step, reviewer)

    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_observers(app, pilot)
        monkeypatch.setattr(review_store, "apply_gold", slow)
        await pilot.press("n", "enter")
        await pilot.pause()
        bob = [c for c in review_store.claims(OBSERVERS, "bob") if c.start == screen.session.unit.start][0]
        review_store.delete_claim(OBSERVERS, bob.id, "bob")  # another process
        app.poll_store()
        await pilot.pause(0.3)
        assert screen.session.decision is not None  # the pick is still shown, not re-read away
        release.set()
        await settled(app, pilot)
        await pilot.pause(0.3)
        assert hows(review_store) == ["picked"] and screen.session.changed(screen.session.index)
        assert "SOURCES CHANGED" in screen_text(app)


async def test_a_click_on_the_text_selects_the_unit_there(review_store, schema):
    from tui.widgets.text_layout import line_of

    app = reviewer_app(review_store, schema)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_observers(app, pilot)
        s = screen.session
        view = screen.query_one("#text")
        target = s.units[1]
        y = line_of(view.layout, target.start + 3) - round(view.scroll_y)
        assert 0 <= y < view.size.height
        await pilot.click("#text", offset=(view.gutter_width + 2, y))
        await pilot.pause()
        assert s.index == 1 and "unit 2/3" in screen_text(app)


async def test_an_annotators_link_becomes_a_gold_link_between_gold_claims(seeded_store, schema):
    """Issue 13: links are reviewable like any annotation. alice linked the HSBC sentence of 000 and 001;
    once both are in gold, g makes the gold link (between the gold claims), g again removes it."""
    from annotations.editing import ArticleSession
    from annotations.models import Link

    made = {}
    for aid, k in ((FIRST, 5), (OBSERVERS, 2)):
        art = seeded_store.article(aid)
        for who in ("alice", "bob"):
            s = ArticleSession(seeded_store, schema, art, who, sentences=seeded_store.sentences(
                art.sha256, seeded_store.text(art.sha256)))
            s.move_sentence(k)
            made[(aid, who)] = s.tag("favor").claim
    seeded_store.save_link(Link("l1", FIRST, made[(FIRST, "alice")].id, OBSERVERS, made[(OBSERVERS, "alice")].id,
                                "same", "alice"))
    app = reviewer_app(seeded_store, schema)
    async with app.run_test(size=(160, 48)) as pilot:
        await rows_read(app, pilot)
        await pilot.press("enter")  # FIRST
        await pilot.pause()
        await pilot.press("g")  # nothing in gold yet: refused, said
        await pilot.pause()
        assert "decide this unit first" in screen_text(app)
        await pilot.press("A", "escape", "j", "enter", "A")  # both articles' unanimous units into gold
        await settled(app, pilot)
        assert "⇄ same · 000_ecb1173961431c24" in screen_text(app)
        await pilot.press("g")
        await settled(app, pilot)
        (g,) = [x for x in seeded_store.all_links() if x.annotator == GOLD]
        golds = {c.id for aid in (FIRST, OBSERVERS) for c in seeded_store.claims(aid, GOLD)}
        assert {g.claim_id, g.other_claim_id} == golds and g.relation == "same"
        assert "gold ✓" in screen_text(app)
        await pilot.press("g")
        await settled(app, pilot)
        assert [x for x in seeded_store.all_links() if x.annotator == GOLD] == []
        await pilot.press("u")  # undo puts the gold link back, redo takes it away again, undo twice more
        await settled(app, pilot)
        assert [x.id for x in seeded_store.all_links() if x.annotator == GOLD] == [g.id]
        assert "undone: gold link (same)" in screen_text(app) and "saving" not in screen_text(app)
        await pilot.press("ctrl+r")
        await settled(app, pilot)
        assert [x for x in seeded_store.all_links() if x.annotator == GOLD] == []
        await pilot.press("u", "u")  # the removal, then the gold link itself
        await settled(app, pilot)
        assert [x for x in seeded_store.all_links() if x.annotator == GOLD] == []
        assert "undone: gold link: same" in screen_text(app)
