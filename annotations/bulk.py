"""Whole-store passes (agreement, review overviews) build hundreds of thousands of small records that
all stay alive until the pass ends. Python's cyclic garbage collector, triggered by every 700 new
objects, then walks them again and again for nothing (they hold no cycles): 5 of 13 s of
``claimtag agree`` on 10,000 articles x 3 annotators. ``collection_paused`` turns it off for such a pass,
in a command (a process of its own; the app has its own policy, ``tui/services/gc.py``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
