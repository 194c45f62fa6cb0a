"""Work-arounds for Textual bugs, in one place (textual is pinned exactly; drop each when fixed upstream).

- ``StylesCache.get_inner_outer`` is an instance method under ``@lru_cache(1024)``: the cache keys on
  ``self``, so it keeps up to 1,024 ``StylesCache`` objects alive, each with its widget's rendered lines
  (Textualize/textual#6665, open). Every reader screen opened left ~0.65 MB behind (60 opens: 54 ->
  120 MB). The result depends only on the two colours: cache on those.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(self: Any, base_background: Color, background: Color) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


def apply() -> None:
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign,assignment]


apply()
