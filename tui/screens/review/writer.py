"""The review reader's writer: review steps saved in order on one thread, so a key is answered on screen
before its save (25-50 ms for a bucket holding a 1 MB article's 6,000 claims) is durable.

- Steps are applied one after another, in the order the keys made them (one worker thread).
- The status bar says "saved" when the store has the step (a ``GoldSaved`` message), not before.
- A step the store refuses (full disk, a lost lock, a permission) stops the queue: every step queued after
  it was made on a gold layer that was never saved, so it is dropped, and a ``GoldRefused`` message tells
  the screen, which has the session read the store again (``ReviewSession.resync``) and then calls
  ``refused_handled``: steps made from then on are written again.
- ``flush`` waits for the queue (leaving the screen, quitting, tests). Messages (thread-safe to post),
  not ``call_from_thread``: the UI thread may be the one waiting in ``flush``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from textual.message import Message

from annotations.store import GoldChange, Store

from ...messages import GoldRefused, GoldSaved


class GoldWriter:
    def __init__(self, store: Store, post: Callable[[Message], object]):
        self.store, self.post = store, post
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="claimtag-gold")
        self._pending: list[Future[None]] = []
        self._generation = 0  # steps made after the last failure was handled (UI thread)
        self._broken = -1  # steps of this generation or older are dropped (writer thread)
        self._lock = threading.Lock()
        self._queued = 0  # steps written and not yet saved or dropped

    def write(self, step: GoldChange, reviewer: str) -> None:
        """``ReviewSession.write``: queue the step."""
        with self._lock:
            self._queued += 1
            future = self._pool.submit(self._apply, step, reviewer, self._generation)
            self._pending = [f for f in self._pending if not f.done()] + [future]

    def _apply(self, step: GoldChange, reviewer: str, generation: int) -> None:
        message: Message | None = None  # none for a dropped step
        try:
            if generation > self._broken:  # else: made on a gold layer that a failed step never saved
                self.store.apply_gold(step, reviewer)
                message = GoldSaved()
        except Exception as exc:  # any refusal stops the queue and is said on screen
            self._broken = generation
            message = GoldRefused(exc)
        finally:
            with self._lock:  # counted before the message: the screen reads ``idle`` when it gets it
                self._queued -= 1
        if message is not None:
            self.post(message)

    def refused_handled(self) -> None:
        """The session read the store again (UI thread): steps made from now on are written."""
        self._generation += 1

    def flush(self, timeout: float = 30.0) -> None:
        with self._lock:
            pending = list(self._pending)
        for future in pending:
            future.result(timeout=timeout)

    @property
    def idle(self) -> bool:
        """No step waiting or being saved (a step counts as done before its message is posted)."""
        with self._lock:
            return self._queued == 0

    def close(self) -> None:
        self.flush()
        self._pool.shutdown(wait=True)
