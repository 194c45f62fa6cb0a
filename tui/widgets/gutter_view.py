"""GutterTextView: the article text with a gutter of per-layer marks on the left of every line.

The review reader shows several annotators' claims at once. Colour alone cannot tell them apart (NO_COLOR,
16 colours, colour-blind reviewers), so each wrapped line starts with one column per annotator: their
letter where one of their claims touches the line, ``·`` where none does, then one column for gold:
``G`` for a gold claim, ``∅`` for a "no claim here" decision. The text itself is drawn by
``ArticleTextView`` at the width left beside the gutter (its line cache stays valid).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from .text_view import ArticleTextView


@dataclass(frozen=True)
class GutterLayer:
    mark: str  # one character
    spans: Sequence[tuple[int, int]]
    style: Style = Style()


class Coverage:
    """Merged, sorted spans of one layer: does any touch [start, end)?"""

    def __init__(self, spans: Sequence[tuple[int, int]]):
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]

    def touches(self, start: int, end: int) -> bool:
        i = bisect_right(self.ends, start)  # the first span ending after start
        return i < len(self.starts) and self.starts[i] < max(end, start + 1)


class GutterTextView(ArticleTextView):
    DEFAULT_CSS = """
    GutterTextView > .gutter-text--gutter { color: $text-muted; }
    GutterTextView > .gutter-text--mark { text-style: bold; }
    """
    COMPONENT_CLASSES = ArticleTextView.COMPONENT_CLASSES | {"gutter-text--gutter", "gutter-text--mark"}

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self._layers: list[tuple[GutterLayer, Coverage]] = []
        self._gutter_styles: tuple[Style, Style] | None = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._gutter_styles = None

    def _gutter_style(self) -> tuple[Style, Style]:
        """(no mark, mark) styles, looked up once per style change (rich_style is not cheap: 48 lines a key)."""
        if self._gutter_styles is None:
            base = self._get_styles()[0]
            self._gutter_styles = (base + self.get_component_rich_style("gutter-text--gutter", partial=True),
                                   base + self.get_component_rich_style("gutter-text--mark", partial=True))
        return self._gutter_styles

    @property
    def gutter_width(self) -> int:
        return len(self._layers) + 1 if self._layers else 0

    def set_layers(self, layers: Sequence[GutterLayer]) -> None:
        """The gutter's columns, left to right; the text re-wraps only if their number changed."""
        old = self.gutter_width
        known = {id(layer): cov for layer, cov in self._layers}  # a layer passed again keeps its coverage
        self._layers = [(layer, known.get(id(layer)) or Coverage(layer.spans)) for layer in layers]
        if self.gutter_width != old:
            self._layout = None
            self._relayout()
        self.refresh()

    def _content_width(self) -> int:
        width = self.scrollable_content_region.width
        return max(1, width - self.gutter_width) if width > 0 else 0  # 0: no size yet, no layout

    def _text_x(self, x: int) -> int:
        return x - self.gutter_width

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        g = self.gutter_width
        if not g:
            return strip
        width = self.scrollable_content_region.width
        layout = self._layout
        line = round(self.scroll_y) + y
        empty, marked = self._gutter_style()
        plain = self._get_styles()[0]
        segments = []
        if layout is not None and 0 <= line < len(layout):
            s, e = layout.starts[line], layout.ends[line]
            for layer, coverage in self._layers:
                if coverage.touches(s, e):
                    segments.append(Segment(layer.mark, marked + layer.style if layer.style else marked))
                else:
                    segments.append(Segment("·", empty))
        else:
            segments.append(Segment(" " * (g - 1), plain))
        segments.append(Segment(" ", plain))
        return Strip.join([Strip(segments, g), strip.crop(0, width - g)])
