"""Work-arounds for Textual bugs, in one place (textual is pinned exactly; drop each when fixed upstream).

- ``StylesCache.get_inner_outer`` is an instance method under ``@lru_cache(1024)``: the cache keys on
  ``self``, so it keeps up to 1,024 ``StylesCache`` objects alive, each with its widget's rendered lines
  (Textualize/textual#6665, open). Every reader screen opened left ~0.65 MB behind (60 opens: 54 ->
  120 MB). The result depends only on the two colours: cache on those.
- Textual reads ESC followed by a digit, ``-``, ``=`` or ``§`` as the character WezTerm on macOS sends for
  Option+key ("\x1b1" -> "¡"). Over SSH those bytes are almost always Escape and then the key arriving in
  one read (a laggy link): "Esc 1" (close the search, tag the match) became "¡" typed into the search.
  Dropped from the table, they parse as alt+key, which the app takes as Escape then the key
  (``ClaimtagApp._escape_then_key``). Option+digit on WezTerm/macOS then acts as Esc+digit.
- The driver's ``WriterThread`` is the only reader of a 30-slot queue, and its loop dies on the first
  ``OSError`` from the terminal: once the terminal has gone (EIO from a hung-up pty, an SSH link dropped),
  the next 30 writes fill the queue and the event loop blocks for ever in ``queue.put`` - in the very
  shutdown that SIGHUP started. Seen in tmux with a 10,000-article store, the terminal killed while the
  list drew (1 time in 6): the process stayed, asleep, holding its memory. The loop now drains and
  drops what it cannot write (the same wedge as Textualize/textual#6692, there through ``suspend``).
"""

from __future__ import annotations

import contextlib
from functools import lru_cache
from typing import Any

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.drivers._writer_thread import WriterThread
from textual.style import Style


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(self: Any, base_background: Color, background: Color) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


def _escape_digits_as_alt_keys() -> None:
    from textual import _ansi_sequences

    table = _ansi_sequences.ANSI_SEQUENCES_KEYS
    for sequence in [s for s, v in table.items() if len(s) == 2 and s[0] == "\x1b" and s[1] in "0123456789-=§"
                     and isinstance(v, str)]:
        del table[sequence]  # type: ignore[attr-defined]


def _writer_run(self: Any) -> None:
    """``WriterThread.run`` that outlives its terminal: after a failed write it keeps taking the queue
    (and drops the text), so a writer never blocks on it; ``None`` still ends it."""
    write, flush, get, qsize = self._file.write, self._file.flush, self._queue.get, self._queue.qsize
    broken = False
    while (text := get()) is not None:
        if broken:
            continue
        try:
            write(text)
            if qsize() == 0:
                flush()
        except (OSError, ValueError):  # EIO / EPIPE: the terminal is gone; ValueError: its file was closed
            broken = True
    if not broken:
        with contextlib.suppress(OSError, ValueError):
            flush()


def apply() -> None:
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign,assignment]
    _escape_digits_as_alt_keys()
    WriterThread.run = _writer_run  # type: ignore[method-assign]


apply()
