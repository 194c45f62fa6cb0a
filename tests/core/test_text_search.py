"""The reader's search: match offsets index the stored text itself, whatever case folding does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.text.search import find_all


def test_matches_are_case_insensitive_offsets():
    text = "HSBC and hsbc, Hsbc."
    assert [text[s:e] for s, e in find_all(text, "hsbc")] == ["HSBC", "hsbc", "Hsbc"]
    assert find_all(text, "") == []


def test_text_where_folding_changes_length_keeps_offsets_right():
    text = "Straße 【AI】 straße"  # casefold would turn ß into ss and shift every later offset
    assert [text[s:e] for s, e in find_all(text, "STRAßE")] == ["Straße", "straße"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("aAbBßİ中😀e\u0301 \n"), max_size=40),
       st.text(alphabet=st.sampled_from("aAbBßİ中😀e\u0301"), min_size=1, max_size=3))
def test_every_match_is_a_span_of_the_text(text, query):
    for start, end in find_all(text, query):
        assert 0 <= start < end <= len(text)
        assert len(text[start:end]) == end - start
        piece = text[start:end]
        assert piece.casefold() == query.casefold() or piece.lower() == query.lower() or piece == query
