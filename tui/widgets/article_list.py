"""The article list: one line per article, fast at 10,000 articles.

A ``ScrollView`` that draws only the visible rows (``render_line``), with the
rendered strips cached per (row, is cursor, width): nothing depends on the number
of rows except ``set_rows`` (one pass) and ``set_filter`` (one substring test per
row on keys built at the first filter). The header is the widget's own first line
(fixed: it does not scroll); virtual line ``i + 1`` is row ``i``.

Columns follow the width (``article_rows.py``): status mark (plus the word from 100 cells), title, id
(from 120), source basename (from 60), length (from 40), claim count. The cursor
row is ``text-style: reverse`` (visible with NO_COLOR); component classes
``article-list--{header,cursor,todo,progress,done,dim}`` restyle it.

Titles, ids and sources are untrusted: they become ``Segment``s of plain text
(never markup), and control characters are replaced by visible symbols.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations.models import Progress

from .. import keys
from .article_rows import ID_COLUMN, Columns, fit, header_cells, layout_columns, row_cells, safe_text


class ArticleList(ScrollView, can_focus=True):
    """Every article of the store as one line; Enter (or a click on the current row) opens it."""


    COMPONENT_CLASSES = {f"article-list--{name}" for name in ("header", "cursor", "todo", "progress", "done", "dim")}

    DEFAULT_CSS = """
    ArticleList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        background: $surface;
        color: $foreground;
        & > .article-list--header { text-style: bold; color: $text-muted; }
        & > .article-list--cursor { text-style: reverse; }
        & > .article-list--todo { color: $text-muted; }
        & > .article-list--progress { color: $warning; }
        & > .article-list--done { color: $success; }
        & > .article-list--dim { color: $text-muted; }
    }
    """

    @dataclass
    class Opened(Message):
        """The user opened an article (Enter, or a click on the current row / a double click)."""

        article_id: str
        article_list: "ArticleList | None" = field(default=None, repr=False, compare=False)

        @property
        def control(self) -> "ArticleList | None":
            return self.article_list

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another article."""

        article_id: str
        article_list: "ArticleList | None" = field(default=None, repr=False, compare=False)

        @property
        def control(self) -> "ArticleList | None":
            return self.article_list

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        # the list's moves and open, when this widget has focus (the reader's side list); on the list
        # screen the screen's priority bindings come first
        keys.bind_scope(self, keys.keymap_of(self), "list", priority=False,
                        names=("cursor_up", "cursor_down", "cursor_page_up", "cursor_page_down", "cursor_first",
                               "cursor_last", "open"))
        self._rows: list[Progress] = []
        self._haystacks: list[str] | None = None  # casefolded "title\nid\nsource", built on first filter
        self._index: dict[str, int] = {}  # article id -> row index
        self._view: list[int] = []  # row indexes shown, ascending
        self._cursor = 0  # position in _view
        self._query = ""
        self._id_width: int | None = None  # widest id, measured when an id column is first shown
        self._strips: LRUCache[tuple, Strip] = LRUCache(512)
        self._styles: dict[str, Style] | None = None
        self._last_highlighted: str | None = None

    # ----- public API -------------------------------------------------------

    @property
    def visible_count(self) -> int:
        """Number of rows the filter lets through."""
        return len(self._view)

    @property
    def current(self) -> Progress | None:
        """The row under the cursor, or None if nothing is shown."""
        if not self._view:
            return None
        return self._rows[self._view[self._cursor]]

    def set_rows(self, rows: Sequence[Progress]) -> None:
        """Replace the rows (keeps the filter, and the cursor on the same article if it is still there)."""
        keep = self.current.article.id if self.current else None
        self._rows = list(rows)
        self._index = {p.article.id: i for i, p in enumerate(self._rows)}
        self._haystacks = None
        self._id_width = None
        self._strips.clear()
        self._apply(keep, None, fallback=self._cursor)

    def set_filter(self, query: str, text_hits: set[str] | None = None) -> None:
        """Show rows whose title, id or source contains `query` (any case), or whose id is in `text_hits`."""
        keep = self.current.article.id if self.current else None
        self._query = query.strip()
        self._apply(keep, text_hits)

    def select_article(self, article_id: str) -> None:
        """Move the cursor to `article_id` (ignored if it is unknown or hidden by the filter)."""
        pos = self._position(article_id)
        if pos is not None:
            self._move_to(pos)

    # ----- internals --------------------------------------------------------

    def _apply(self, keep: str | None, text_hits: set[str] | None, fallback: int = 0) -> None:
        """Recompute the shown rows; the cursor stays on `keep`, or goes to position `fallback`."""
        q = self._query.casefold()
        if q and self._haystacks is None:
            self._haystacks = [
                f"{p.article.title}\n{p.article.id}\n{p.article.source}".casefold() for p in self._rows
            ]
        if not q:
            self._view = list(range(len(self._rows)))
        elif text_hits:
            hits, rows = text_hits, self._rows
            self._view = [i for i, h in enumerate(self._haystacks) if q in h or rows[i].article.id in hits]
        else:
            self._view = [i for i, h in enumerate(self._haystacks) if q in h]
        pos = self._position(keep) if keep is not None else None
        self._cursor = pos if pos is not None else min(fallback, max(len(self._view) - 1, 0))
        self.virtual_size = Size(self._row_width(), len(self._view) + 1)
        self._scroll_to_cursor()
        self.refresh()
        self._post_highlighted()

    def _position(self, article_id: str) -> int | None:
        i = self._index.get(article_id)
        if i is None:
            return None
        pos = bisect_left(self._view, i)
        return pos if pos < len(self._view) and self._view[pos] == i else None

    def _row_width(self) -> int:
        return max(self.scrollable_content_region.width, 1)

    def _page(self) -> int:
        """Rows that fit under the header."""
        return max(self.scrollable_content_region.height - 1, 1)

    def _scroll_to_cursor(self) -> None:
        top, page = self.scroll_offset.y, self._page()
        if self._cursor < top:
            top = self._cursor
        elif self._cursor > top + page - 1:
            top = self._cursor - page + 1
        if top != self.scroll_offset.y:
            self.scroll_to(y=top, animate=False, force=True)

    def _move_to(self, pos: int) -> None:
        if not self._view:
            return
        pos = min(max(pos, 0), len(self._view) - 1)
        old, self._cursor = self._cursor, pos
        if old != pos:
            top = self.scroll_offset.y
            self.refresh_lines(old + 1, 1)
            self.refresh_lines(pos + 1, 1)
            self._scroll_to_cursor()
            if self.scroll_offset.y != top:
                self.refresh()
        self._post_highlighted()

    def _post_highlighted(self) -> None:
        cur = self.current
        article_id = cur.article.id if cur else None
        if article_id != self._last_highlighted:
            self._last_highlighted = article_id
            if article_id is not None:
                self.post_message(self.Highlighted(article_id, self))

    def action_cursor_up(self) -> None:
        self._move_to(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._move_to(self._cursor + 1)

    def action_cursor_page_up(self) -> None:
        page = self._page()
        self.scroll_to(y=max(self.scroll_offset.y - page, 0), animate=False, force=True)
        self._move_to(self._cursor - page)

    def action_cursor_page_down(self) -> None:
        page = self._page()
        self.scroll_to(y=self.scroll_offset.y + page, animate=False, force=True)
        self._move_to(self._cursor + page)

    def action_cursor_first(self) -> None:
        self._move_to(0)

    def action_cursor_last(self) -> None:
        self._move_to(len(self._view) - 1)

    def action_open(self) -> None:
        cur = self.current
        if cur is not None:
            self.post_message(self.Opened(cur.article.id, self))

    def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return  # the header, or the border
        pos = self.scroll_offset.y + offset.y - 1
        if pos >= len(self._view):
            return
        if pos == self._cursor or event.chain >= 2:
            self._move_to(pos)
            self.action_open()
        else:
            self._move_to(pos)

    def _on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self.virtual_size = Size(self._row_width(), len(self._view) + 1)
        self.call_after_refresh(self._scroll_to_cursor)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._strips.clear()

    # ----- drawing ----------------------------------------------------------

    def _get_styles(self) -> dict[str, Style]:
        if self._styles is None:
            part = lambda name: self.get_component_rich_style(f"article-list--{name}", partial=True)  # noqa: E731
            base = self.rich_style
            self._styles = {"": base, "cursor": part("cursor")}
            for name in ("header", "todo", "progress", "done", "dim"):
                self._styles[name] = base + part(name)
        return self._styles

    def _columns(self, width: int) -> Columns:
        if width >= ID_COLUMN and self._id_width is None:
            self._id_width = max((cell_len(p.article.id) for p in self._rows), default=2)
        return layout_columns(width, self._id_width or 2)

    def render_line(self, y: int) -> Strip:
        width = self._row_width()
        styles = self._get_styles()
        if y == 0:
            key: tuple = ("header", width)
            if (strip := self._strips.get(key)) is None:
                cols = self._columns(width)
                segs = [Segment("".join(header_cells(cols)), styles["header"])]
                strip = self._strips[key] = Strip(segs).adjust_cell_length(width, styles[""])
            return strip
        pos = self.scroll_offset.y + y - 1
        if pos >= len(self._view):
            if pos == 0:  # nothing to show: say why
                msg = f"No article matches “{safe_text(self._query)}”." if self._rows else "No articles yet: quit (q) and run claimtag add PATH, or claimtag PATH."
                return Strip([Segment(fit(msg, width), styles["dim"])], width)
            return Strip.blank(width, styles[""])
        row = self._view[pos]
        is_cursor = pos == self._cursor
        key = (row, is_cursor, width)
        if (strip := self._strips.get(key)) is None:
            cols = self._columns(width)
            cursor = styles["cursor"] if is_cursor else None
            segs = []
            for text, name in row_cells(self._rows[row], cols):
                style = styles[name]
                segs.append(Segment(text, style + cursor if cursor else style))
            strip = self._strips[key] = Strip(segs).adjust_cell_length(width, styles[""])
        return strip
