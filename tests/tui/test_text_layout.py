"""Pure tests of tui.widgets.text_layout: wrapping in cells and offsets <-> (line, x). Spans: test_spans.py."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tui.widgets.text_layout import (
    cell_to_offset,
    cluster_start,
    display_text,
    is_safe,
    layout_text,
    line_cells,
    line_of,
    lines_between,
    offset_to_cell,
    word_span,
)

ALPHABET = list("ab xyz.,") + [
    "\n", "\t", "\x1b", "\x07", "\x7f", "\x85", "\u202e", "\u2028",
    "é", "e\u0301", "\u0301", "世", "界", "【", "】", "😀", "\u200d", "\ufe0f", "☺", "Ω",
]
texts = st.lists(st.sampled_from(ALPHABET), max_size=60).map("".join)
widths = st.integers(min_value=1, max_value=20)


def lines(layout):
    return [layout.shown[s:e] for s, e in zip(layout.starts, layout.ends)]


def test_wraps_at_word_boundaries():
    L = layout_text("hello world foo bar", 7)
    assert lines(L) == ["hello ", "world ", "foo bar"]


def test_breaks_long_words_and_keeps_paragraphs():
    L = layout_text("abcdefghij\n\nxy", 4)
    assert lines(L) == ["abcd", "efgh", "ij", "", "xy"]


def test_cjk_fullwidth_brackets_are_two_cells():
    text = "【Text by Observers Network】"
    L = layout_text(text, 80)
    assert line_cells(L, 0) == len(text) + 2
    assert offset_to_cell(L, 1) == (0, 2)  # "T" after the 2-cell bracket
    assert offset_to_cell(L, len(text) - 1) == (0, len(text))  # 】 after 1 wide + 25 narrow
    assert cell_to_offset(L, 0, 1) == 0  # second cell of 【
    assert cell_to_offset(L, 0, len(text) + 1) == len(text) - 1  # second cell of 】


def test_cjk_wraps_without_spaces_and_never_splits_a_wide_char():
    L = layout_text("世界你好世界", 5)
    assert lines(L) == ["世界", "你好", "世界"]  # 4 cells each: a 5th would split a glyph


def test_combining_mark_stays_with_its_base():
    text = "cafe\u0301 ok"
    L = layout_text(text, 4)
    assert lines(L)[0] == "cafe\u0301 "  # the space hangs past the width
    assert offset_to_cell(L, 4) == (0, 3)  # the mark is drawn in the "e" cell
    assert cluster_start(L, 4) == 3
    assert cell_to_offset(L, 0, 3) == 3


def test_emoji_offsets():
    text = "a😀b"
    L = layout_text(text, 10)
    assert [offset_to_cell(L, o) for o in range(4)] == [(0, 0), (0, 1), (0, 3), (0, 4)]


def test_controls_are_placeholders_of_one_cell():
    text = "x\x1b]0;title\x07\ty\x85"
    shown = display_text(text)
    assert len(shown) == len(text)
    assert "\x1b" not in shown and "\x07" not in shown and "\x85" not in shown
    assert shown[1] == "\u241b" and shown[-3] == " "
    assert is_safe(shown) and not is_safe(text)
    L = layout_text(text, 80)
    assert line_cells(L, 0) == len(text)


def test_markup_is_just_text():
    text = "[bold]x[/] [@click=app.quit]"
    assert display_text(text) == text
    assert line_cells(layout_text(text, 80), 0) == len(text)


def test_lines_between_and_line_of():
    L = layout_text("aaaa bbbb cccc", 5)  # "aaaa ", "bbbb ", "cccc"
    assert line_of(L, 5) == 1  # a wrap point belongs to the next line
    assert lines_between(L, 0, 5) == (0, 0)
    assert lines_between(L, 0, 6) == (0, 1)
    assert lines_between(L, 6, 14) == (1, 2)


def test_word_span():
    assert word_span("hello, world", 8) == (7, 12)
    assert word_span("hello, world", 5) == (5, 6)
    assert word_span("世界 ok", 0) == (0, 2)


def test_bad_width_is_a_clear_error():
    try:
        layout_text("x", 0)
    except ValueError as e:
        assert "width" in str(e)
    else:
        raise AssertionError("expected ValueError")


def test_one_megabyte_lays_out():
    para = ("The quick brown fox jumps over the lazy dog. " * 40 + "\n")
    text = para * (1_000_000 // len(para))
    L = layout_text(text, 77)
    assert all(e - s <= 77 + 1 for s, e in zip(L.starts, L.ends))
    assert L.ends[-1] == len(text)


@settings(max_examples=300, deadline=None)
@given(texts, widths)
def test_lines_partition_the_text(text, width):
    L = layout_text(text, width)
    assert L.starts[0] == 0 and L.ends[-1] == len(text)
    for i, (s, e) in enumerate(zip(L.starts, L.ends)):
        assert s <= e and "\n" not in text[s:e]
        if i + 1 < len(L):
            nxt = L.starts[i + 1]
            assert nxt == e or (nxt == e + 1 and text[e] == "\n")
            if nxt == e:
                assert s < e  # a wrap always makes progress
                shown = L.shown[s:e]
                if shown.endswith(" "):  # word wrap: greedy, the next word did not fit
                    word = re.match("(?:[^ \n]| [\u0301\ufe0f])*", L.shown[nxt:]).group()
                    if 0 < cell_len(word) <= width:  # (a longer word is broken wherever it starts)
                        assert cell_len(shown) + cell_len(word) > width
                else:  # a word broken in two: there was no space to break at
                    # (a space carrying a combining mark is not a break, nor is an orphan mark + space)
                    assert " " not in re.sub("^[\u0301\ufe0f]+.| [\u0301\ufe0f]", "", shown)


@settings(max_examples=300, deadline=None)
@given(texts, widths)
def test_lines_fit_and_agree_with_rich(text, width):
    L = layout_text(text, width)
    for i, (s, e) in enumerate(zip(L.starts, L.ends)):
        shown = L.shown[s:e]
        assert line_cells(L, i) == cell_len(shown)  # Textual measures segments with rich
        body = shown.rstrip(" ")
        if cell_len(body) > width:  # only a single glyph wider than the line may overflow
            assert cell_to_offset(L, i, 0) == cluster_start(L, s + len(body) - 1)


@settings(max_examples=300, deadline=None)
@given(texts, widths)
def test_offsets_round_trip_and_are_monotonic(text, width):
    L = layout_text(text, width)
    prev = (-1, -1)
    for o in range(len(text) + 1):
        line, x = offset_to_cell(L, o)
        assert (line, x) >= prev
        prev = (line, x)
        back = cell_to_offset(L, line, x)
        if line_cells(L, line) == 0 and o < L.ends[line]:
            continue  # a line of only zero-width characters (e.g. a lone ZWJ) has no cell
        assert back == cluster_start(L, o)
        assert back <= o
        if back < o:  # o is inside a cluster: it shares the cluster's cells
            assert offset_to_cell(L, back) == (line, x)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_display_text_is_safe_and_same_length(text):
    shown = display_text(text)
    assert len(shown) == len(text)
    assert is_safe(shown)
    assert all(a == b for a, b in zip(text, shown) if a in "\n" or is_safe(a))
