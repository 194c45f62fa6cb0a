"""Issue 13: two articles side by side, passages aligned whatever their order (Pilot: keys pressed, the
screen and the session asserted)."""

from __future__ import annotations

import pytest

from tests.tui.test_app_reader import FIRST, OBSERVERS, open_reader
from tui.app import ClaimtagApp
from tui.screens.compare.screen import CompareScreen
from tui.testing import screen_text

pytestmark = pytest.mark.anyio


async def test_the_reader_key_lists_similar_articles_and_opens_them_side_by_side(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(160, 48)) as pilot:
        await open_reader(app, pilot, FIRST)
        await pilot.press("b")  # looked up by a worker, then offered
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "most similar first" in text
        first_listed = text.split("most similar first")[1]
        assert first_listed.index(OBSERVERS) < min(first_listed.index(a) for a in ("002_", "003_", "004_"))
        await pilot.press("enter")  # the most similar: 001, the same WSJ story
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        session = app.screen.session
        await pilot.press(*"jjjjj")  # 000's sentence 6: HSBC and Standard Chartered
        await pilot.pause()
        assert session.cursor == [5, 2]  # 001's sentence 3 tells the same
        text = screen_text(app)
        assert "A 6 ↔ B 3" in text and "words differ (marked)" in text
        b_text = session.sides[1].text
        marked = {b_text[s:e] for s, e in session.pairing().differ[1]}
        assert {"UK", "Chinese", "company"} <= marked  # what 001 adds to the same fact ("a Chinese company")
        await pilot.press("k", "k", "k", "k", "k")  # sentence 1 of 000: no counterpart, said so
        await pilot.pause()
        assert "A 1: no counterpart in B" in screen_text(app)
        await pilot.press("tab", "j")  # now B moves and A follows
        await pilot.pause()
        assert session.focus == 1 and "B 2 ↔ A 5" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)


async def test_compare_works_from_the_keyboard_at_80x24_stacked(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice", compare=(FIRST, OBSERVERS))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen) and app.screen.has_class("-narrow")
        await pilot.press(*"jjjjjj")
        await pilot.pause()
        assert "A 7 ↔ B 4" in screen_text(app)  # Saudi Aramco
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_l_links_the_two_selected_claims_u_undoes_and_the_reader_says_also_in(seeded_store, schema):
    from annotations.editing import ArticleSession

    for aid, k in ((FIRST, 5), (OBSERVERS, 2)):  # the HSBC sentence of each, tagged by alice
        s = ArticleSession(seeded_store, schema, seeded_store.article(aid), "alice",
                           sentences=seeded_store.sentences(seeded_store.article(aid).sha256,
                                                            seeded_store.text(seeded_store.article(aid).sha256)))
        s.move_sentence(k)
        s.tag("favor" if aid == FIRST else "against")
    app = ClaimtagApp(seeded_store, schema, "alice", compare=(FIRST, OBSERVERS))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("n")  # to 000's only claim: its sentence (6), 001 follows
        await pilot.pause()
        assert app.screen.session.cursor == [5, 2]
        await pilot.press("N", *"kkkkk")  # cycles back to it; then up to sentence 1
        await pilot.pause()
        await pilot.press("l", "s")  # sentence 1 of 000 has no claim: refused, said
        await pilot.pause()
        assert "no claim of yours in the selected sentence of A" in screen_text(app) and seeded_store.all_links() == []
        await pilot.press(*"jjjjj", "l", "c")
        await pilot.pause()
        (link,) = seeded_store.all_links()
        assert link.relation == "contradicts" and link.article_id == FIRST and "linked as contradicts" in screen_text(app)
        await pilot.press("l", "s")
        await pilot.pause()
        assert "linked already" in screen_text(app) and len(seeded_store.all_links()) == 1
        await pilot.press("u")
        await pilot.pause()
        assert seeded_store.all_links() == [] and "link (contradicts) removed" in screen_text(app)
        await pilot.press("l", "r", "escape")  # linked again (related), then back to the list
        await pilot.pause()
        await pilot.press("enter")  # open 000 in the reader: the claim says where else it is
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert "also in 1 other article" in screen_text(app) and "⇄1" in screen_text(app)


async def test_n_visits_each_claim_of_a_sentence_and_p_holds_a_pair_the_aligner_does_not_make(seeded_store, schema):
    """001's HSBC sentence holds two claims of alice: n goes to one, then the other, and l links the one in
    focus. p holds B: A moves alone, so 000's first sentence (no counterpart) is linked to a B claim."""
    from annotations.editing import ArticleSession

    def session(aid: str) -> ArticleSession:
        art = seeded_store.article(aid)
        return ArticleSession(seeded_store, schema, art, "alice",
                              sentences=seeded_store.sentences(art.sha256, seeded_store.text(art.sha256)))

    b = session(OBSERVERS)
    b_text = b.text
    hsbc = b_text.index("HSBC and Standard Chartered")
    b.select(hsbc, hsbc + len("HSBC and Standard Chartered"))
    first_b = b.tag("favor").claim
    deepseek = b_text.index("DeepSeek, a Chinese company")
    b.select(deepseek, deepseek + len("DeepSeek, a Chinese company"))
    second_b = b.tag("against").claim
    a = session(FIRST)
    a.move_sentence(5)  # 000's HSBC sentence
    hsbc_a = a.tag("favor").claim
    a.move_sentence(-5)  # 000's first sentence: its title, which nothing in 001 retells
    title_a = a.tag("against").claim
    app = ClaimtagApp(seeded_store, schema, "alice", compare=(FIRST, OBSERVERS))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        s = app.screen.session
        await pilot.press("tab", "n")  # B's first claim after its first sentence: HSBC
        await pilot.pause()
        assert s.claim_at(1).id == first_b.id and app.screen.view(1).selection == (first_b.start, first_b.end)
        await pilot.press("n")  # the same sentence's second claim
        await pilot.pause()
        assert s.claim_at(1).id == second_b.id and s.cursor == [5, 2]
        await pilot.press("l", "r")  # A follows to 000's HSBC sentence: the link joins its claim and B's second
        await pilot.pause()
        (link,) = seeded_store.all_links()
        assert {link.claim_id, link.other_claim_id} == {hsbc_a.id, second_b.id} and link.relation == "related"
        await pilot.press("p")  # hold: each side now moves only by its own keys
        await pilot.pause()
        assert "held (p: follow" in screen_text(app)
        await pilot.press("tab", *"kkkkk")  # B stays on its second claim while A walks to its title
        await pilot.pause()
        assert s.cursor == [0, 2] and s.claim_at(1).id == second_b.id
        assert "A 1 · B 3 held" in screen_text(app) and "no counterpart in B" in screen_text(app)
        await pilot.press("l", "c")
        await pilot.pause()
        assert any({x.claim_id, x.other_claim_id} == {title_a.id, second_b.id} and x.relation == "contradicts"
                   for x in seeded_store.all_links())
        await pilot.press("p", "j")  # follow again: B goes to A 2's counterpart, or stays when it has none
        await pilot.pause()
        assert "held" not in screen_text(app)


async def test_on_a_claim_b_lists_where_else_it_is_told_and_opens_there(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice")
    async with app.run_test(size=(160, 48)) as pilot:
        await open_reader(app, pilot, FIRST)
        await pilot.press(*"jjjjj", "1", "b")  # the HSBC sentence, tagged: where else is it told?
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "Where else “According to insiders, HSBC" in text and f"{OBSERVERS}: According to insiders" in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen) and app.screen.session.cursor == [5, 2]


async def test_under_no_color_each_side_names_its_stances_in_a_gutter(seeded_store, schema, monkeypatch):
    from annotations.editing import ArticleSession

    ArticleSession(seeded_store, schema, seeded_store.article(FIRST), "alice").tag("against")
    monkeypatch.setenv("NO_COLOR", "1")
    app = ClaimtagApp(seeded_store, schema, "alice", compare=(FIRST, OBSERVERS))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert lines[1].startswith(" ·A· Russian media") and lines[13].startswith(" ··· ")
        from tui.testing import screen_strips

        await pilot.press(*"jjjjj")  # the HSBC pair: 001's extra words struck through, not underlined
        await pilot.pause()
        struck = [seg.text for strip in screen_strips(app) for seg in strip if seg.style and seg.style.strike]
        assert "UK" in struck and not any(seg.style and seg.style.underline and seg.text == "UK"
                                          for strip in screen_strips(app) for seg in strip)


async def test_long_texts_are_aligned_by_a_worker_while_the_view_says_so(tmp_path, schema):
    """Two texts of 150,000 characters (over AT_ONCE together): the view opens at once, says it is aligning,
    answers a key with "still aligning", and works when the worker is done."""
    import io

    from annotations.corpus import add_paths
    from annotations.store import Store
    from bench.bench_align import big_text
    from tui.screens.compare import screen as compare_screen

    folder = tmp_path / "texts"
    folder.mkdir()
    for i in (0, 1):
        (folder / f"long{i}.txt").write_text(big_text(i, 150_000), encoding="utf-8")
    store = Store(tmp_path / "store")
    add_paths(store, [folder], out=io.StringIO(), err=io.StringIO())
    ids = tuple(a.id for a in store.articles())
    assert sum(a.length for a in store.articles()) >= compare_screen.AT_ONCE
    app = ClaimtagApp(store, schema, "alice", compare=ids)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        if screen.session is None:  # the worker may already be done on a fast machine
            assert "aligning" in screen_text(app)
            await pilot.press("j")
            assert screen.session is not None or "still aligning" in screen_text(app)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.session is not None
        await pilot.press("j")
        await pilot.pause()
        assert screen.session.cursor[0] == 1 and "A 2" in screen_text(app)
