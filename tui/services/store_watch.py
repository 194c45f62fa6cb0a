"""One watcher per store per process: other processes' saves reach every app without a restart.

A daemon thread polls ``Store.signature()`` each ``POLL_SECONDS`` while any app subscribes, and
calls each subscriber with the new signature (from that thread: a subscriber posts a message,
which Textual makes thread-safe). An app that saved remembers the signature after its own save and
ignores that one. Many apps in one process (the SSH server) share one thread and one poll.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from annotations.errors import ClaimtagError
from annotations.store import Store

POLL_SECONDS = 1.0
Signature = tuple[int, ...]
Subscriber = Callable[[Signature], None]


class StoreWatcher:
    def __init__(self, store: Store, interval: float = POLL_SECONDS):
        self.store = store
        self.interval = interval
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.signature = self._read()

    def _read(self) -> Signature:
        try:
            return self.store.signature()
        except (OSError, ClaimtagError):
            return ()

    def subscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.append(subscriber)
            if self._thread is None or not self._thread.is_alive():
                self._wake.clear()
                self._thread = threading.Thread(target=self._run, name="claimtag-store-watch", daemon=True)
                self._thread.start()

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)
            if not self._subscribers:
                self._wake.set()  # the thread ends; a later subscriber starts a new one

    def poll(self) -> bool:
        """Read the signature now; tell every subscriber if it changed. True if it did."""
        signature = self._read()
        if signature == self.signature:
            return False
        self.signature = signature
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            subscriber(signature)
        return True

    def _run(self) -> None:
        while not self._wake.wait(self.interval):
            with self._lock:
                if not self._subscribers:
                    return
            self.poll()


_watchers: dict[Path, StoreWatcher] = {}
_watchers_lock = threading.Lock()


def watcher_for(store: Store) -> StoreWatcher:
    """The process's watcher of this store folder."""
    key = store.root.resolve()
    with _watchers_lock:
        watcher = _watchers.get(key)
        if watcher is None:
            watcher = _watchers[key] = StoreWatcher(store)
        return watcher
