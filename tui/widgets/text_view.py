"""ArticleTextView: an article's text, soft-wrapped, with claims highlighted, drawn line by line.

A `ScrollView` whose `render_line(y)` draws only visible lines, each cached (LRU) until what it shows
changes. Layout (wrapping in cells) lives in `text_layout.py`; see its docstring for the cell model.

- Text is data: segments are built from plain strings, never markup; control characters are drawn as
  1-cell placeholders and TAB as one space (1 character = 1 cell, no tab stops).
- Highlights combine with the widget's base style. Where highlights overlap, their styles are combined
  outer to inner (by start, longer first, then input order): the inner one wins where both set the
  same attribute (e.g. colour), attributes only one sets (bold, underline) are kept.
- Search matches (`set_matches`) are drawn on top of highlights (component class
  `article-text--match`: underline on a yellow background), the selection on top of everything
  (`article-text--selection`: reverse + bold, visible with NO_COLOR and 16 colours). An empty
  selection is drawn as a one-character caret; a selection that runs over a paragraph end shows one
  selected cell after the paragraph's last character.
- `set_selection(scroll=True)` does not scroll while the selection's first line is on screen;
  otherwise it centres the selection (or, if taller than the view, puts its first line a third down).
- Keys: only page up/down, home, end scroll here; Up/Down and the rest are left to the app.
- Mouse: a click posts `Clicked(offset)`, a drag posts `Dragged(start, end)` widened to whole words.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.widgets.spans import merge_spans, restyle, styled_bounds
from tui.widgets.text_layout import (
    Layout,
    cell_to_offset,
    cluster_start,
    layout_text,
    line_clusters,
    line_of,
    lines_between,
    word_span,
)


@dataclass(frozen=True)
class Highlight:
    start: int  # code-point offsets into the text
    end: int
    style: Style


class ArticleTextView(ScrollView, can_focus=True, inherit_bindings=False):
    """The text of one article with highlights, search matches and a selection (the cursor span)."""

    ALLOW_SELECT = False  # our own click/drag handling, not Textual's text selection
    BINDINGS = [
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "scroll_home", "Top", show=False),
        Binding("end", "scroll_end", "Bottom", show=False),
    ]
    COMPONENT_CLASSES = {"article-text--selection", "article-text--match"}
    DEFAULT_CSS = """
    ArticleTextView {
        overflow-x: hidden;
        overflow-y: scroll;
        background: $surface;
        color: $foreground;
    }
    ArticleTextView > .article-text--selection { text-style: reverse bold; }
    ArticleTextView > .article-text--match { text-style: underline; background: ansi_yellow; color: ansi_black; }
    """

    @dataclass
    class Clicked(Message):
        offset: int

    @dataclass
    class Dragged(Message):
        start: int
        end: int

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._text = ""
        self._layout: Layout | None = None
        self._highlights: tuple[Highlight, ...] = ()
        self._hl_bounds: list[int] = []
        self._hl_styles: list[Style] = []
        self._match_bounds: list[int] = []
        self._selection: tuple[int, int] | None = None
        self._pending_scroll = False
        self._cache: LRUCache[int, Strip] = LRUCache(1024)
        self._drag_anchor: int | None = None
        self._styles: tuple[Style, Style, Style] | None = None

    # --- public API ----------------------------------------------------------------------------

    @property
    def text(self) -> str:
        return self._text

    @property
    def layout(self) -> Layout | None:
        """The current wrap layout (None until the widget has a width)."""
        return self._layout

    @property
    def selection(self) -> tuple[int, int] | None:
        return self._selection

    def set_document(
        self, text: str, highlights: Sequence[Highlight] = (), selection: tuple[int, int] | None = None
    ) -> None:
        self._text = text
        self._layout = None
        self._match_bounds = []
        self._selection = None
        self._pending_scroll = False
        self._set_highlights(highlights)
        if self.is_attached:
            self.scroll_to(0, 0, animate=False)
        self._relayout()
        if selection is not None:
            self.set_selection(*selection)
        self.refresh()

    def set_highlights(self, highlights: Sequence[Highlight]) -> None:
        highlights = tuple(highlights)
        if highlights == self._highlights:
            return  # unchanged (the app re-sends them after every save): keep the cached lines
        # what changed, by identity (hashing 2,000 highlights by value cost ~1.5 ms a tag); a highlight
        # re-made equal to an old one only costs a redraw of its lines
        old = {id(h): h for h in self._highlights}
        new = {id(h): h for h in highlights}
        changed = [h for k, h in old.items() if k not in new] + [h for k, h in new.items() if k not in old]
        if len(changed) > 32:  # a reload, another article: everything again
            self._set_highlights(highlights)
            self._cache.clear()
            self.refresh()
            return
        # a tag, a type change, an undo: flatten and redraw only the stretch they touch
        self._highlights = highlights
        restyle(self._hl_bounds, self._hl_styles, highlights, changed, len(self._text))
        for h in changed:
            self._refresh_span((h.start, h.end))

    def set_matches(self, matches: Sequence[tuple[int, int]]) -> None:
        self._match_bounds = merge_spans(matches, len(self._text))
        self._cache.clear()
        self.refresh()

    def set_selection(self, start: int, end: int, *, scroll: bool = True) -> None:
        n = len(self._text)
        start, end = min(max(start, 0), n), min(max(end, 0), n)
        if end < start:
            start, end = end, start
        old, self._selection = self._selection, (start, end)
        if old != self._selection:
            self._refresh_span(old)
            self._refresh_span(self._selection)
        if scroll:
            self._pending_scroll = True
            self._scroll_to_selection()

    # --- highlights ----------------------------------------------------------------------------

    def _set_highlights(self, highlights: Sequence[Highlight]) -> None:
        self._highlights = tuple(highlights)
        self._hl_bounds, self._hl_styles = styled_bounds(self._highlights, len(self._text))

    # --- layout and scrolling ------------------------------------------------------------------

    def _content_width(self) -> int:
        return self.scrollable_content_region.width

    def _relayout(self) -> None:
        width = self._content_width()
        if width < 1:
            return
        if self._layout is not None and self._layout.width == width and self._layout.text is self._text:
            return
        anchor = None
        if self._layout is not None and len(self._layout):
            anchor = self._layout.starts[min(round(self.scroll_y), len(self._layout) - 1)]
        self._layout = layout_text(self._text, width)
        self._cache.clear()
        self.virtual_size = Size(width, len(self._layout))
        if self._pending_scroll:
            self._scroll_to_selection()
        elif anchor is not None:
            self.scroll_to(y=line_of(self._layout, min(anchor, len(self._text))), animate=False)
        self.refresh()

    def _scroll_to_selection(self) -> None:
        layout, sel = self._layout, self._selection
        height = self.scrollable_content_region.height
        if layout is None or sel is None or height < 1:
            return  # done once there is a layout
        self._pending_scroll = False
        first, last = lines_between(layout, *sel)
        top = round(self.scroll_y)
        if top <= first < top + height:
            return  # already visible: do not jump
        if last - first < height:
            target = (first + last) // 2 - height // 2  # fits: centre the whole selection
        else:
            target = first - height // 3
        self.scroll_to(y=max(0, target), animate=False)

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()
        self._scroll_to_selection()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._cache.clear()

    def _get_styles(self) -> tuple[Style, Style, Style]:
        """(base, selection, match) rich styles; looked up once per style change (it is not cheap)."""
        if self._styles is None:
            self._styles = (
                self.rich_style,
                self.get_component_rich_style("article-text--selection", partial=True),
                self.get_component_rich_style("article-text--match", partial=True),
            )
        return self._styles

    def _refresh_span(self, span: tuple[int, int] | None) -> None:
        layout = self._layout
        if span is None or layout is None:
            return
        a, b = span
        first, last = lines_between(layout, a, max(b, a + 1))
        if last - first + 1 > len(self._cache):
            for key in [k for k in self._cache.keys() if first <= k <= last]:
                self._cache.discard(key)
        else:
            for y in range(first, last + 1):
                self._cache.discard(y)
        top = round(self.scroll_y)
        height = self.scrollable_content_region.height
        lo, hi = max(first, top), min(last, top + height - 1)
        if lo <= hi:
            self.refresh_lines(lo, hi - lo + 1)

    # --- drawing -------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        line = round(self.scroll_y) + y
        layout = self._layout
        width = self.scrollable_content_region.width
        if layout is None or not 0 <= line < len(layout):
            return Strip.blank(width, self._get_styles()[0])
        strip = self._cache.get(line)
        if strip is None or strip.cell_length != width:
            strip = self._render_text_line(layout, line, width)
            self._cache[line] = strip
        return strip

    def _render_text_line(self, layout: Layout, line: int, width: int) -> Strip:
        s, e = layout.starts[line], layout.ends[line]
        base, sel_style, match_style = self._get_styles()
        hb, mb = self._hl_bounds, self._match_bounds
        sel_a, sel_b = self._visual_selection()
        cuts = {s, e}
        cuts.update(hb[bisect_right(hb, s) : bisect_left(hb, e)])
        cuts.update(mb[bisect_right(mb, s) : bisect_left(mb, e)])
        cuts.update(c for c in (sel_a, sel_b) if s < c < e)
        if layout.single_cell(line):
            cells = e - s
            points = sorted(cuts)
        else:  # a cut inside a cluster (e.g. before a combining mark) moves to the next cluster
            cs, ws = line_clusters(layout, line)
            cells = sum(ws)
            cs.append(e)
            points = sorted({cs[bisect_left(cs, c)] for c in cuts})
        shown = layout.shown
        segments = []
        for a, b in zip(points, points[1:]):
            k = bisect_right(hb, a) - 1
            style = base + self._hl_styles[k] if 0 <= k < len(self._hl_styles) else base
            if bisect_right(mb, a) % 2:
                style += match_style
            if sel_a <= a < sel_b:
                style += sel_style
            segments.append(Segment(shown[a:b], style))
        if sel_a <= e < sel_b and e < len(self._text) and cells < width:  # selection goes on past LF
            segments.append(Segment(" ", base + sel_style))
            cells += 1
        return Strip(segments, cells).crop_extend(0, width, base)

    def _visual_selection(self) -> tuple[int, int]:
        if self._selection is None:
            return -1, -1
        a, b = self._selection
        return a, max(b, a + 1)

    # --- mouse ---------------------------------------------------------------------------------

    def _offset_at(self, event: events.MouseEvent) -> int | None:
        layout = self._layout
        if layout is None:
            return None
        pos = event.get_content_offset_capture(self)
        line = round(self.scroll_y) + pos.y
        if line < 0:
            return 0
        if line >= len(layout):
            return len(self._text)
        offset = cell_to_offset(layout, line, max(0, self._text_x(pos.x)))
        s, e = layout.starts[line], layout.ends[line]
        if offset >= e > s:  # past the end of a line: its last character
            offset = cluster_start(layout, e - 1)
        return offset

    def _text_x(self, x: int) -> int:
        """The text cell under content column ``x`` (a subclass drawing something before the text shifts it)."""
        return x

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1 or event.get_content_offset(self) is None:
            return
        self._drag_anchor = self._offset_at(event)
        if self._drag_anchor is not None:
            self.capture_mouse()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        anchor, self._drag_anchor = self._drag_anchor, None
        if anchor is None:
            return
        self.release_mouse()
        offset = self._offset_at(event)
        if offset is None:
            return
        if offset == anchor:
            self.post_message(self.Clicked(anchor))
            return
        lo, hi = min(anchor, offset), max(anchor, offset)
        self.post_message(self.Dragged(word_span(self._text, lo)[0], word_span(self._text, hi)[1]))
