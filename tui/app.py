"""The claimtag Textual app: the article list, the reader, help. ``create_app`` builds one.

Several apps may run in one process (the SSH server runs one per session): what is process-wide
lives in ``services`` (one garbage-collection policy, one store watcher per store folder) and the
app only subscribes to it. Keys come from ``keys.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import threading
import time
from functools import cached_property
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.screen import Screen

from annotations.errors import ClaimtagError
from annotations.schema import Schema
from annotations.store import Store
from annotations.text.display import display_safe, strip_controls

from . import keys
from .messages import StoreChanged
from .screens.list.screen import ArticleListScreen
from .services import gc as idle_gc
from .services import textual_fixes  # noqa: F401  (applied on import)
from .services.store_watch import Signature, StoreWatcher, watcher_for

if TYPE_CHECKING:
    from annotations.editing import History

IDLE_GC_TICK = 0.5
HANGUP_GRACE = 10.0  # seconds a hung-up app has to exit before its process ends itself
ROLES = ("annotator", "reviewer")


class ClaimtagApp(App[int]):
    # the reader's and the dialogs' CSS load with their screens (their CSS_PATH): parsing and matching
    # rules the first screen does not use made its first frame slower. The list's CSS (beside its
    # screen) loads here: the default screen's own CSS_PATH is not loaded by Textual, and making the
    # list a mode instead (which does load it) costs a CSS refresh: first frame 12 -> 23 ms.
    CSS_PATH = ["app.tcss", "screens/list/list.tcss", "screens/review_list/review_list.tcss"]
    TITLE = "claimtag"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, store: Store, schema: Schema, annotator: str,
                 startup_messages: list[tuple[str, str]] | None = None, role: str = "annotator",
                 blind: bool = False, compare: tuple[str, str] | None = None):
        super().__init__()
        self.compare = compare  # two article ids: open side by side (claimtag compare A B)
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r} (one of: {', '.join(ROLES)})")
        self.startup_messages = startup_messages or []  # (text, severity): e.g. what adding PATHs said
        self.store = store
        self.schema = schema
        self.annotator = annotator
        self._skipped_told: dict[str, str] = {}  # store files left out, as last reported
        self.role = role
        self.blind = blind  # review: annotators shown as letters, shuffled per article (review/layers.py)
        self.blind_secret = secrets.token_hex(8)
        self.idle_gc = idle_gc.SHARED
        self.watcher: StoreWatcher = watcher_for(store)
        self._signature = self.watcher.signature
        keys.bind_scope(self, schema.keys, "app")

    @cached_property
    def history(self) -> History:
        """Undo/redo of this app's session, made when the first article opens (the editing package is
        not imported before: start-up time is a measured goal)."""
        from annotations.editing import History

        return History(self.store)

    def get_default_screen(self) -> Screen[None]:
        """The list is the first screen itself (no empty screen painted before it): the article list of an
        annotator, the review list of a reviewer."""
        if self.role == "reviewer":
            from .screens.review_list.screen import ReviewListScreen

            return ReviewListScreen()
        return ArticleListScreen()

    def on_mount(self) -> None:
        if not self.is_headless and self.console.color_system in ("standard", "windows"):
            # 16 colours: use the terminal's own palette, so "red" stays red instead of the nearest
            # of 16 to a truecolor red
            self.theme = "ansi-dark"
        for text, severity in self.startup_messages[-8:]:
            self.notify(display_safe(text), severity=severity, timeout=12, markup=False)  # type: ignore[arg-type]
        self.watcher.subscribe(self.store_signature)
        if self.compare is not None:
            from .screens.compare.screen import CompareScreen

            self.push_screen(CompareScreen(*self.compare))
        if not self.is_headless:  # the terminal went away (an SSH link dropped): save and exit as on q
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.hung_up)
        # full garbage collections in the pauses between keys, not in a key press (see services/gc.py)
        self.call_after_refresh(self.idle_gc.start)
        self.set_interval(IDLE_GC_TICK, self.idle_gc.tick)

    def hung_up(self) -> None:
        """The terminal went away (an SSH link dropped): exit as on q. Every change was saved when it was
        made; should the exit itself hang (a terminal library waiting on the dead terminal), the process
        ends after ``HANGUP_GRACE`` seconds instead of staying behind, asleep, on a shared server."""
        threading.Thread(target=_end_process_after, args=(HANGUP_GRACE,), daemon=True, name="claimtag-hangup").start()
        self.exit()

    def on_unmount(self) -> None:
        self.watcher.unsubscribe(self.store_signature)
        self.idle_gc.stop()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self.idle_gc.input_seen()
        if isinstance(event, events.Key) and not event.is_forwarded and await self._escape_then_key(event):
            return
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded and await self._take_text(event):
            return
        await super().on_event(event)

    async def _escape_then_key(self, event: events.Key) -> bool:
        """Escape and the next key in one read (a laggy SSH link, ``tmux send-keys Escape d``) reach Textual as
        ``alt+d``. No claimtag key is an alt key: unless the schema binds it, it is Escape, then the key."""
        if not event.key.startswith("alt+") or await keys.run_priority_binding(self, event.key):
            return event.key.startswith("alt+")
        name = event.key[len("alt+"):]
        if name.startswith("shift+") and len(name) == len("shift+") + 1:
            name = name[-1].upper()
        await keys.run_priority_binding(self, "escape")
        await asyncio.sleep(0)  # the screen Escape closed (a prompt) is gone before the key acts
        if await keys.run_priority_binding(self, name):
            return True
        character = name if len(name) == 1 else None
        take = getattr(self.screen, "take_text", None)
        if character and take is not None:
            take(character)
        return True

    async def _take_text(self, event: events.Key | events.Paste) -> bool:
        """Text for a screen that takes it (``take_text``: the list filter, the prompts), handled now,
        in order with the keys around it. Forwarded to the focused widget like other unbound keys, a
        character such as é or 中, or a paste, came after the priority bindings of keys typed later
        in the same burst: "é" then Enter opened the list's first row. Printable ASCII is bound."""
        take = getattr(self.screen, "take_text", None)
        if take is None:
            return False
        if isinstance(event, events.Paste):
            take(paste_line(event.text))
            return True
        ch = event.character
        if not (ch and not ch.isascii() and ch.isprintable()):
            return False
        if not await keys.run_priority_binding(self, event.key):  # a key the schema binds (AZERTY é)
            take(ch)
        return True

    def store_signature(self, signature: Signature) -> None:
        """From the store watcher's thread: another process saved (or we did; see ``note_own_save``)."""
        if signature != self._signature:
            self._signature = signature
            self.post_message(StoreChanged())

    def on_store_changed(self, message: StoreChanged) -> None:
        self.screen.post_message(StoreChanged())

    def poll_store(self) -> None:
        """Look at the store now instead of waiting for the watcher's next poll."""
        self.watcher.poll()

    def note_own_save(self) -> None:
        """Our own saves need no reload: remember the store as it is now."""
        self._signature = self.store.signature()

    def report_skipped(self) -> None:
        """Say once (per file and reason) which store files or records the last reads left out."""
        for name, reason in list(self.store.skipped.items()):
            if self._skipped_told.get(name) != reason:
                self._skipped_told[name] = reason
                self.notify(display_safe(reason), title="store file skipped", severity="error", timeout=12,
                            markup=False)

    def report_error(self, exc: Exception, title: str = "store error") -> None:
        """A store or file problem as a message on screen: the app keeps running, nothing is overwritten."""
        message = str(exc) if isinstance(exc, ClaimtagError) else f"{exc.__class__.__name__}: {exc}"
        self.notify(display_safe(message), title=title, severity="error", timeout=8, markup=False)

    def action_quit(self) -> None:  # type: ignore[override]
        self.exit(0)


def create_app(store: Store, schema: Schema, annotator: str, role: str = "annotator",
               startup_messages: list[tuple[str, str]] | None = None, blind: bool = False,
               compare: tuple[str, str] | None = None) -> ClaimtagApp:
    """An app for one person on one store: ``role`` decides which screens they get (``reviewer``: the
    review list and reader over every annotator's layer; ``annotator``: their own layer only)."""
    return ClaimtagApp(store, schema, annotator, startup_messages=startup_messages, role=role, blind=blind,
                       compare=compare)


def paste_line(text: str) -> str:
    """Pasted text for a one-line field: line breaks become spaces, control characters go."""
    return strip_controls(" ".join(text.splitlines()))


def _end_process_after(seconds: float) -> None:
    time.sleep(seconds)
    os._exit(128 + signal.SIGHUP)  # a daemon thread: never reached when the app exits in time
