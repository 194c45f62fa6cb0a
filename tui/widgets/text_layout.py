"""Soft-wrap layout of an article text in terminal cells (pure functions, no textual import).

Model
-----
- Offsets are Python ``str`` indices (code points) into the stored text, as everywhere in claimtag.
- :func:`display_text` maps the text to what is drawn, **one code point to one code point**, so offsets
  are the same in both: TAB becomes one space (1 char = 1 cell; no tab stops), and every control
  character that must never reach a terminal (C0 except LF, DEL, ESC, the C1 range, bidi/format
  controls that reorder a line, U+2028/U+2029, and ZWJ U+200D) becomes a visible 1-cell placeholder
  (control pictures U+2400.. for C0 and DEL, U+FFFD for the rest). So an emoji ZWJ sequence is shown
  as its parts with U+FFFD between them: every terminal agrees on that width.
- Widths follow rich (which Textual uses to measure segments): characters are grouped into clusters as
  ``rich.cells.split_graphemes`` does (a zero-width character, e.g. a combining mark, belongs to the
  character before it; VS16 widens the emoji before it as rich measures it). CJK and emoji are 2
  cells. A cluster is never split across lines.
- A paragraph ends at LF. Paragraphs are wrapped at word boundaries (after a run of spaces; the spaces
  hang at the end of the line, past the width if need be, and are cropped when drawn); a word longer
  than the width is broken at the last cluster that fits.
- ``Layout.starts[i]``/``ends[i]`` are the offsets of visual line *i*: ``text[starts[i]:ends[i]]``, LF
  excluded. The LF at ``ends[i]`` (if any) maps to the cell after the line's last character.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate

from rich.cells import get_character_cell_size, split_graphemes

# --- what is drawn -----------------------------------------------------------------------------
from annotations.text.display import SAFE_TABLE, display_text, is_safe  # noqa: F401  (the one gate)

# Characters rich measures as exactly one cell (its own fast-path ranges) plus our placeholders.
_SINGLE_CELL = frozenset(
    chr(c)
    for lo, hi in ((0x20, 0x7E), (0xA0, 0xAC), (0xAE, 0x2FF), (0x370, 0x482), (0x2500, 0x25FC))
    for c in range(lo, hi + 1)
) | frozenset(SAFE_TABLE.values())
_is_single_cell = _SINGLE_CELL.issuperset


# --- clusters ----------------------------------------------------------------------------------

_WIDTHS: dict[str, int] = {}


def clusters(shown: str) -> tuple[list[int], list[int]]:
    """(start index, cells) of each cluster of a display string (no LF), as rich measures them.

    Zero-width characters with no character before them (only at a paragraph's start) join the
    cluster after them, so that every cluster but a whole zero-width line has a cell of its own."""
    if _is_single_cell(shown):
        return list(range(len(shown))), [1] * len(shown)
    if "\u200d" in shown or "\ufe0f" in shown:
        spans, _ = split_graphemes(shown)
        starts = [s for s, _e, _w in spans]
        widths = [w for _s, _e, w in spans]
    else:
        starts, widths = _simple_clusters(shown)
    while len(starts) > 1 and widths[0] == 0:
        del starts[1]
        widths[0] = widths.pop(1)
    return starts, widths


def _simple_clusters(shown: str) -> tuple[list[int], list[int]]:
    wcache = _WIDTHS
    for ch in set(shown).difference(wcache):
        wcache[ch] = get_character_cell_size(ch)
    widths = list(map(wcache.__getitem__, shown))
    if 0 not in widths:
        return list(range(len(shown))), widths
    starts: list[int] = []
    merged: list[int] = []
    for i, w in enumerate(widths):
        if w or not starts:
            starts.append(i)
            merged.append(w)
    return starts, merged


# --- layout ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    text: str  # the stored text
    shown: str  # display_text(text): same length
    width: int
    starts: list[int]
    ends: list[int]

    def __len__(self) -> int:
        return len(self.starts)

    def single_cell(self, line: int) -> bool:
        return _is_single_cell(self.shown[self.starts[line] : self.ends[line]])


def _wrap_single(shown: str, ps: int, pe: int, width: int, starts: list[int], ends: list[int]) -> None:
    """Wrap shown[ps:pe] where every character is one cell."""
    pos = ps
    while pe - pos > width:
        limit = pos + width
        sp = shown.rfind(" ", pos, limit + 1)
        if sp > pos or (sp == pos and shown[pos] == " "):
            end = sp + 1
            while end < pe and shown[end] == " ":
                end += 1
        else:
            end = limit
        starts.append(pos)
        ends.append(end)
        pos = end
        if pos == pe:
            return
    starts.append(pos)
    ends.append(pe)


def _wrap_clusters(shown: str, ps: int, pe: int, width: int, starts: list[int], ends: list[int]) -> None:
    """Wrap shown[ps:pe] (a paragraph) cluster by cluster, finding each line's end by bisect."""
    par = shown[ps:pe]
    cs, ws = clusters(par)
    n = len(cs)
    if n == 0:
        starts.append(ps)
        ends.append(pe)
        return
    cum = [0, *accumulate(ws)]  # cum[k]: cells before cluster k
    cs.append(len(par))

    def is_space(j: int) -> bool:
        return cs[j + 1] == cs[j] + 1 and par[cs[j]] == " "

    k = 0
    while True:
        m = bisect_right(cum, cum[k] + width, k) - 1  # clusters k..m-1 fit
        if m >= n:
            break
        cut = -1
        sp = par.rfind(" ", cs[k], cs[m] + 1)  # a space at m itself may hang
        while sp >= cs[k]:
            j = bisect_left(cs, sp, k)
            if cs[j] == sp and is_space(j):
                cut = j + 1
                while cut < n and is_space(cut):
                    cut += 1
                break
            sp = par.rfind(" ", cs[k], sp)
        if cut < 0:
            cut = max(m, k + 1)  # a word longer than the line (or one glyph wider than it)
        if cut >= n:
            break
        starts.append(ps + cs[k])
        ends.append(ps + cs[cut])
        k = cut
    starts.append(ps + cs[k])
    ends.append(pe)


def layout_text(text: str, width: int) -> Layout:
    """Wrap `text` to `width` cells (width >= 1)."""
    if width < 1:
        raise ValueError(f"layout width must be at least 1, got {width}")
    shown = display_text(text)
    starts: list[int] = []
    ends: list[int] = []
    n = len(text)
    ps = 0
    while True:
        pe = text.find("\n", ps)
        if pe < 0:
            pe = n
        par = shown[ps:pe]
        if par.isascii() or _is_single_cell(par):
            _wrap_single(shown, ps, pe, width, starts, ends)
        else:
            _wrap_clusters(shown, ps, pe, width, starts, ends)
        if pe >= n:
            break
        ps = pe + 1
    return Layout(text, shown, width, starts, ends)


# --- offsets <-> cells -------------------------------------------------------------------------


def line_of(layout: Layout, offset: int) -> int:
    """Visual line holding `offset` (0 <= offset <= len(text)); a wrap point belongs to the next line."""
    if not 0 <= offset <= len(layout.text):
        raise ValueError(f"offset {offset} is outside the text (0..{len(layout.text)})")
    return max(0, bisect_right(layout.starts, offset) - 1)


def line_clusters(layout: Layout, line: int) -> tuple[list[int], list[int]]:
    """(absolute start offset, cells) of each cluster of a visual line."""
    s, e = layout.starts[line], layout.ends[line]
    cs, ws = clusters(layout.shown[s:e])
    return [s + c for c in cs], ws


def line_cells(layout: Layout, line: int) -> int:
    """Cells used by a line (hanging spaces included; may exceed the width)."""
    s, e = layout.starts[line], layout.ends[line]
    if layout.single_cell(line):
        return e - s
    return sum(line_clusters(layout, line)[1])


def offset_to_cell(layout: Layout, offset: int) -> tuple[int, int]:
    """(line, x) where the character at `offset` is drawn; a character inside a cluster (combining
    mark, ZWJ-joined emoji) is drawn in its cluster's cells. The end of a line maps past its last cell."""
    line = line_of(layout, offset)
    s = layout.starts[line]
    if layout.single_cell(line):
        return line, offset - s
    cs, ws = line_clusters(layout, line)
    k = bisect_right(cs, offset) - 1
    if k < 0:
        return line, 0
    if offset >= layout.ends[line]:
        return line, sum(ws)
    return line, sum(ws[:k])


def cell_to_offset(layout: Layout, line: int, x: int) -> int:
    """Offset of the cluster drawn at cell `x` of `line` (clamped); past the end: the line's end offset."""
    line = min(max(line, 0), len(layout.starts) - 1)
    s, e = layout.starts[line], layout.ends[line]
    x = max(x, 0)
    if layout.single_cell(line):
        return min(s + x, e)
    cs, ws = line_clusters(layout, line)
    acc = 0
    for c, w in zip(cs, ws):
        if x < acc + w:
            return c
        acc += w
    return e


def cluster_start(layout: Layout, offset: int) -> int:
    """The first offset of the cluster holding `offset` (the offset itself for most characters)."""
    line = line_of(layout, offset)
    if offset >= layout.ends[line] or layout.single_cell(line):
        return offset
    cs, _ = line_clusters(layout, line)
    return cs[max(0, bisect_right(cs, offset) - 1)]


def visible_range(layout: Layout, first_line: int, height: int) -> tuple[int, int]:
    """Offsets [start, end) shown by lines first_line .. first_line+height-1."""
    if not layout.starts:
        return 0, 0
    a = min(max(first_line, 0), len(layout.starts) - 1)
    b = min(max(first_line + height - 1, a), len(layout.starts) - 1)
    return layout.starts[a], layout.ends[b]


def lines_between(layout: Layout, start: int, end: int) -> tuple[int, int]:
    """First and last visual line touched by the offsets [start, end] (inclusive line range)."""
    n = len(layout.text)
    a = line_of(layout, min(max(start, 0), n))
    b = line_of(layout, min(max(end, start, 0), n))
    if end > start and b > a and layout.starts[b] == end:
        b -= 1  # the span ends exactly where line b begins
    return a, b


_WORD = re.compile(r"\w+", re.UNICODE)


def word_span(text: str, offset: int) -> tuple[int, int]:
    """The word (\\w+ run) around `offset`, or (offset, offset+1) for a non-word character."""
    if not text:
        return 0, 0
    offset = min(max(offset, 0), len(text) - 1)
    lo = max(0, offset - 200)
    for m in _WORD.finditer(text, lo, min(len(text), offset + 200)):
        if m.start() <= offset < m.end():
            return m.start(), m.end()
        if m.start() > offset:
            break
    return offset, offset + 1
