"""Python's full garbage collections moved out of key presses, into the pauses between them.

With the default thresholds a full (generation 2) collection starts every ~70,000 net container
allocations, wherever that falls: in the 1 MB / 2,000-claim article a tag or an undo allocates enough
that one key in eight paid 8-14 ms for it (bench/app_reader.py). So:

- ``start()`` freezes what exists once the first screen is up (Textual, rich, the modules: tens of
  thousands of objects that live as long as the app), so a full collection never walks them again;
- and raises the third threshold, so a full collection starts ~10x less often on its own;
- ``settle()`` freezes again once an article's own big structures are built (its claims, sentences,
  text layout: in the 1 MB article a full collection over them took 30-37 ms);
- ``input_seen()`` marks that keys came in; ``tick()``, called from a timer, runs the full collection
  once the annotator has paused for ``IDLE_SECONDS``. Young objects are still collected as usual.

Frozen objects are still freed by reference counting; only garbage *cycles* among them wait, for
the deep collection (unfreeze, collect, freeze) that ``tick()`` runs in a pause after
``DEEP_AFTER_SETTLES`` articles were opened. A closed article's screen is such a cycle (~1.3 MB):
without pauses (an annotator paging through articles, a script) they piled up, 150 opens took the app
from 40 to 207 MB. So ``settle()`` itself runs the deep collection once ``DEEP_AT_THE_LATEST`` articles
were opened without one: memory levels off at a few articles' worth, pauses or not.

Garbage collection is process-wide, so there is one collector per process (``SHARED``) however many
apps run in it (the SSH server runs one per session): ``start``/``stop`` count the apps using it,
the first start changes Python's GC settings and the last stop puts them back.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

IDLE_SECONDS = 1.5
FULL_THRESHOLD = 100  # gen-1 collections between full ones (Python's default is 10)
DEEP_AFTER_SETTLES = 5
DEEP_AT_THE_LATEST = 10  # articles opened without a pause: the deep collection runs on the next open


class IdleCollector:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.last_input = clock()
        self.pending = False  # keys came in since the last idle collection
        self.collections = 0
        self.settles = 0  # freezes since the last deep collection
        self.default_full = gc.get_threshold()[2]
        self.users = 0  # apps that started and have not stopped

    def start(self) -> None:
        """An app's first screen is up: freeze what exists; the first app also raises the threshold."""
        gc.freeze()
        self.users += 1
        if self.users == 1:
            young, middle, full = gc.get_threshold()
            self.default_full = full
            gc.set_threshold(young, middle, FULL_THRESHOLD)

    def stop(self) -> None:
        """An app is done; when the last one is, Python's defaults again (a test process runs many apps)."""
        self.users = max(0, self.users - 1)
        if self.users:
            return
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, self.default_full)
        gc.unfreeze()

    def settle(self) -> None:
        """What exists now will live a while (an article was just opened): no full collection walks it."""
        self.settles += 1
        if self.settles >= DEEP_AT_THE_LATEST:
            self._deep()
            return
        gc.freeze()

    def _deep(self) -> None:
        """Collect the cycles among frozen objects too (closed articles), then freeze again."""
        self.settles = 0
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def input_seen(self) -> None:
        self.last_input = self.clock()
        self.pending = True

    def tick(self) -> bool:
        """Collect if keys came in and none for IDLE_SECONDS; True if it did."""
        if not self.pending or self.clock() - self.last_input < IDLE_SECONDS:
            return False
        self.pending = False
        if self.settles >= DEEP_AFTER_SETTLES:
            self._deep()
        else:
            gc.collect()
        self.collections += 1
        return True


SHARED = IdleCollector()  # the process's collector: every app in this process uses it
