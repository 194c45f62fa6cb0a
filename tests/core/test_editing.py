"""The reader's logic without a UI: selection, tagging, claim edits, labels, undo/redo."""

from __future__ import annotations

import pytest

from annotations.editing import ArticleSession, line_spans
from annotations.errors import StoreError
from annotations.text.sentences import sentence_spans

ARTICLE = "001_7a089fa4fc1eff1a"  # starts with 【Text by Observers Network, Wang Yi】


@pytest.fixture
def session(seeded_store, schema):
    article = seeded_store.article(ARTICLE)
    text = seeded_store.text(article.sha256)
    return ArticleSession(seeded_store, schema, article, "alice", sentences=sentence_spans(text))


def test_starts_on_first_sentence_and_moves_by_sentence(session):
    first = session.selection
    assert session.text[first[0]:first[1]].startswith("【Text by Observers Network")
    session.move_sentence(1)
    second = session.selection
    assert second[0] > first[1] - 1
    session.move_sentence(-1)
    assert session.selection == first
    session.move_sentence(-1)  # stays at the first sentence
    assert session.selection == first
    for _ in range(10_000):
        session.move_sentence(1)
    assert session.selection == session.sentences[-1]


def test_one_keystroke_tags_the_sentence(session, seeded_store):
    done = session.tag("favor")
    claim = done.claim
    assert done.what == "tagged fact · favor"
    start, end = session.selection
    assert (claim.start, claim.end) == (start, end)
    assert claim.quote == session.text[start:end]
    assert (claim.type, claim.stance, claim.target) == ("fact", "favor", "Chinese AI")
    stored = seeded_store.claims(ARTICLE, "alice")
    assert [c.id for c in stored] == [claim.id]
    assert seeded_store.state(ARTICLE, "alice").status == "in progress"


def test_tagging_the_same_span_again_changes_the_stance(session, seeded_store):
    session.tag("favor")
    session.tag("against")
    stored = seeded_store.claims(ARTICLE, "alice")
    assert len(stored) == 1 and stored[0].stance == "against"


def test_type_target_note_delete_act_on_the_claim_under_cursor(session, seeded_store):
    session.tag("neutral")
    assert session.set_type("prediction").claim.type == "prediction"
    assert session.cycle_target().claim.target == "US AI policy"
    assert session.cycle_target().what == "target → Chinese AI"
    assert session.set_note("check the WSJ date").claim.note == "check the WSJ date"
    (claim,) = seeded_store.claims(ARTICLE, "alice")
    assert (claim.type, claim.note) == ("prediction", "check the WSJ date")
    assert session.delete().what == "deleted claim"
    assert seeded_store.claims(ARTICLE, "alice") == []
    assert session.set_type("fact") is None  # nothing under the cursor now


def test_word_steps_trim_and_extend_the_selection(session):
    start, end = session.selection
    session.extend_end(-1)
    s2, e2 = session.selection
    assert s2 == start and e2 < end and session.text[e2 - 1] != " "
    session.extend_end(1)
    assert session.selection == (start, end)
    session.extend_start(-1)  # H: shrink the start by a word ("【" is a word of its own)
    s3, _ = session.selection
    assert s3 > start and session.text[s3:].startswith("Text by")
    session.extend_start(1)  # L: extend it back
    assert session.selection[0] == start
    session.move_sentence(1)
    s4, _ = session.selection
    session.extend_start(1)  # into the previous sentence
    assert session.selection[0] < s4


def test_shrinking_never_empties_the_selection(session):
    for _ in range(200):
        session.extend_end(-1)
        session.extend_start(-1)
    start, end = session.selection
    assert end > start and session.text[start:end].strip()


def test_next_and_previous_claim_walk_in_text_order(session):
    session.move_sentence(2)
    late = session.tag("against").claim
    session.move_sentence(-2)
    early = session.tag("favor").claim
    session.move_sentence(1)
    assert session.jump_claim(1).id == late.id
    assert session.jump_claim(1).id == early.id  # wraps around
    assert session.jump_claim(-1).id == late.id


def test_undo_redo_any_number_of_steps_across_claims_and_labels(session, seeded_store):
    session.tag("favor")
    session.set_type("opinion")
    session.toggle_label("frame", "economic")
    session.toggle_label("frame", "security")
    session.set_status("done")
    assert seeded_store.state(ARTICLE, "alice").labels["frame"] == ["economic", "security"]
    for _ in range(5):
        assert session.undo() is not None
    assert session.undo() is None
    assert seeded_store.claims(ARTICLE, "alice") == []
    state = seeded_store.state(ARTICLE, "alice")
    assert state.labels.get("frame", []) == [] and state.status != "done"
    for _ in range(5):
        assert session.redo() is not None
    (claim,) = seeded_store.claims(ARTICLE, "alice")
    assert claim.type == "opinion"
    state = seeded_store.state(ARTICLE, "alice")
    assert state.status == "done" and state.labels["frame"] == ["economic", "security"]


def test_single_choice_label_replaces_the_value(session, seeded_store):
    session.toggle_label("stance", "favor")
    session.toggle_label("stance", "against")
    assert seeded_store.state(ARTICLE, "alice").labels["stance"] == ["against"]
    session.toggle_label("stance", "against")  # the chosen value again: kept (issue 11: no silent clearing)
    assert seeded_store.state(ARTICLE, "alice").labels["stance"] == ["against"]
    session.clear_label("stance")
    assert seeded_store.state(ARTICLE, "alice").labels["stance"] == []


def test_annotators_do_not_see_each_others_claims(seeded_store, schema, session):
    session.tag("favor")
    other = ArticleSession(seeded_store, schema, seeded_store.article(ARTICLE), "bob")
    assert other.claims == []


def test_blank_selection_is_refused(seeded_store, schema):
    article = seeded_store.article("002_45969eb7d7822045")
    session = ArticleSession(seeded_store, schema, article, "alice")
    title_end = session.text.index("\n")
    session.selection = (title_end, title_end + 2)  # "\n\n"
    with pytest.raises(StoreError):
        session.tag("favor")


def test_line_spans_strip_blank_lines():
    assert line_spans("a b\n\n  c  \n") == [(0, 3), (7, 8)]


def test_next_article_prefers_todo_then_in_progress_and_wraps(seeded_store):
    from annotations.editing import next_article
    from annotations.models import Progress

    arts = seeded_store.articles()
    rows = [Progress(a, st, 0) for a, st in zip(arts, ["done", "in progress", "done", "todo", "done"])]
    assert next_article(rows, arts[0].id).article.id == arts[3].id
    assert next_article(rows, arts[3].id).article.id == arts[1].id  # no todo left but itself
    rows = [Progress(a, "done", 0) for a in arts]
    assert next_article(rows, arts[2].id) is None


def test_undo_acts_on_the_article_on_screen(seeded_store, schema):
    """Issue 11: `u` in one article undid the last change made in another one."""
    from annotations.editing.history import History

    history = History(seeded_store)
    other = ArticleSession(seeded_store, schema, seeded_store.article("000_ecb1173961431c24"), "alice",
                           history=history)
    here = ArticleSession(seeded_store, schema, seeded_store.article(ARTICLE), "alice", history=history)
    here.tag("against")
    other.tag("favor")  # the latest edit of all, in the other article
    assert here.undo().what.startswith("tagged")  # this article's claim
    assert here.claims == [] and len(seeded_store.claims("000_ecb1173961431c24")) == 1
    assert here.undo() is None  # nothing more here; the other article's claim stays
    assert len(seeded_store.claims("000_ecb1173961431c24")) == 1
    here.redo()
    assert len(here.claims) == 1
    assert other.undo() is not None and seeded_store.claims("000_ecb1173961431c24") == []


def test_undo_refuses_when_the_claim_changed_in_another_session(seeded_store, schema):
    """The same annotator in two sessions: undo in one must not silently overwrite a later change made in
    the other; it says so and leaves the store as it is."""
    from annotations.editing.history import Changed

    one = ArticleSession(seeded_store, schema, seeded_store.article(ARTICLE), "alice")
    two = ArticleSession(seeded_store, schema, seeded_store.article(ARTICLE), "alice")
    one.tag("favor")
    two.reload()
    two.set_type("opinion")  # the other session changes the same claim afterwards
    with pytest.raises(Changed, match="changed since"):
        one.undo()
    (claim,) = seeded_store.claims(ARTICLE, "alice")
    assert claim.type == "opinion"
    assert two.undo() is not None and seeded_store.claims(ARTICLE, "alice")[0].type == "fact"


def test_the_start_can_land_after_brackets_and_quotes(session):
    """Issue 11: H jumped from `Yi】"Chinese` straight to `artificial` (】"Chinese was one word)."""
    for _ in range(9):  # 【 Text by Observers Network, Wang Yi 】 "
        session.extend_start(-1)
    assert session.text[session.selection[0]:].startswith("Chinese artificial")


def test_clause_keys_cut_the_sentence_where_claims_are_cut(seeded_store, schema):
    from annotations.text.clauses import clauses

    text = "The minister said that taxes will rise, and critics warned: growth will fall — unless rates drop."
    assert [text[a:b] for a, b in clauses(text, 0, len(text))] == [
        "The minister said", "that taxes will rise", "and critics warned", "growth will fall", "unless rates drop"]
    s = ArticleSession(seeded_store, schema, seeded_store.article(ARTICLE), "alice")
    s.next_clause()  # from the whole first sentence: its first clause
    assert s.text[slice(*s.selection)] == "【Text by Observers Network"
    s.next_clause()
    s.next_clause()
    assert s.text[slice(*s.selection)].startswith('"Chinese artificial intelligence (AI) companies')
    s.next_quote()
    assert s.text[slice(*s.selection)].startswith("Chinese artificial intelligence (AI) companies are breaking")
    s.next_clause(-1)  # from inside a clause: that clause, then the one before
    assert s.text[slice(*s.selection)].startswith('"Chinese artificial')
    s.next_clause(-1)
    assert s.text[slice(*s.selection)] == "Wang Yi】"
    s.extend_clause()
    assert s.text[slice(*s.selection)].startswith('Wang Yi】"Chinese artificial')


def test_one_span_carries_one_claim_per_target(session, seeded_store):
    """Issue 11: the guidelines allow two claims on one span (two targets); the tool changed the existing
    claim instead. `+` adds one for the next target; stance and type keys, `t`, `x` act on the one in focus;
    n/N visit both; a target already used on the span is skipped by `t`; a third is refused."""
    from annotations.errors import EditRefused

    first = session.tag("favor").claim
    second = session.add_target().claim
    assert (second.start, second.end, second.target) == (first.start, first.end, "US AI policy")
    assert session.claim_under_cursor().id == second.id
    session.tag("against")  # acts on the claim in focus: the new one
    mine = {c.target: c.stance for c in seeded_store.claims(first.article_id, "alice")}
    assert mine == {"Chinese AI": "favor", "US AI policy": "against"}
    with pytest.raises(EditRefused):
        session.add_target()  # two targets in the schema, both used
    with pytest.raises(EditRefused):
        session.cycle_target()  # the other target has its own claim here
    assert session.jump_claim(1).id == first.id and session.claim_under_cursor().id == first.id
    assert session.jump_claim(1).id == second.id
    session.delete()
    assert [c.target for c in seeded_store.claims(first.article_id, "alice")] == ["Chinese AI"]
    session.undo()
    assert len(seeded_store.claims(first.article_id, "alice")) == 2


def test_a_span_with_a_claim_per_target_in_every_layer_is_unanimous():
    from annotations.models import Claim
    from annotations.review.units import units_of

    def two(who: str) -> list[Claim]:
        return [Claim(f"{who}{t}", "a", "h", 0, 10, "x" * 10, "fact", s, t, who)
                for t, s in (("Chinese AI", "favor"), ("US AI policy", "against"))]
    (unit,) = units_of({"alice": two("alice"), "bob": two("bob")})
    assert unit.unanimous
    (unit,) = units_of({"alice": two("alice"), "bob": two("bob")[:1]})
    assert not unit.unanimous and "missing" in unit.kinds


def test_to_character_moves_one_side_like_vim_t_and_f():
    from annotations.text.clauses import to_character

    text = "Officials said, in Riyadh (Saudi), that the deal , was done."
    whole = (0, len(text))
    start, end = to_character(text, *whole, "end", ",")  # t, from the start: trims the sentence
    assert text[start:end] == "Officials said"
    start, end = to_character(text, start, end, "end", ",")  # again: to the next one (spaces left out)
    assert text[start:end] == "Officials said, in Riyadh (Saudi)"
    start, end = to_character(text, start, end, "start", "R")  # f: the start onto the next R inside
    assert text[start:end] == "Riyadh (Saudi)"
    assert to_character(text, start, end, "start", "#") is None and to_character(text, start, end, "end", "#") is None
    assert to_character(text, 0, 5, "start", "s") is None  # the next s is not inside the span


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.text("ab ,.", min_size=2, max_size=40), st.data())
def test_to_character_never_empties_the_span_and_lands_on_the_character(text, data):
    from annotations.text.clauses import to_character

    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    ch = data.draw(st.sampled_from("ab,."))
    for side in ("start", "end"):
        moved = to_character(text, start, end, side, ch)
        if moved is None:
            continue
        a, b = moved
        assert 0 <= a < b <= len(text)
        if side == "start":
            assert b == end and text[a] == ch and start < a
        else:
            assert a == start and b != end and text[b:].lstrip().startswith(ch)
