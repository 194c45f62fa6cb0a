"""The claimtag Textual app: the article list, the reader, help; the store polled for others' changes."""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.binding import Binding

from annotations.history import History
from annotations.normalize import strip_controls
from annotations.schema import Schema
from annotations.storage import StoreError
from annotations.store import Store

from .idle_gc import IdleCollector
from .messages import StoreChanged
from .screens.list_screen import ArticleListScreen

POLL_SECONDS = 1.0
IDLE_GC_TICK = 0.5


class ClaimtagApp(App[int]):
    # the reader's and the dialogs' CSS load with their screens (ReaderScreen.CSS_PATH, ...): parsing
    # and matching rules the first screen does not use made its first frame slower
    CSS_PATH = ["styles/app.tcss", "styles/list.tcss"]
    TITLE = "claimtag"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+c", "quit", "quit", show=False, priority=True)]

    def __init__(self, store: Store, schema: Schema, annotator: str,
                 startup_messages: list[tuple[str, str]] | None = None):
        super().__init__()
        self.startup_messages = startup_messages or []  # (text, severity): e.g. what adding PATHs said
        self.store = store
        self.schema = schema
        self.annotator = annotator
        self.history = History(store)
        self._signature = store.signature()
        self.idle_gc = IdleCollector()

    def get_default_screen(self) -> ArticleListScreen:
        """The list is the first screen itself (no empty screen painted before it)."""
        return ArticleListScreen()

    def on_mount(self) -> None:
        if not self.is_headless and self.console.color_system in ("standard", "windows"):
            # 16 colours: use the terminal's own palette, so "red" stays red instead of the nearest
            # of 16 to a truecolor red
            self.theme = "ansi-dark"
        self.set_keymap({action: ",".join(keys) for action, keys in self.schema.keys.items()})
        for text, severity in self.startup_messages[-8:]:
            self.notify(text, severity=severity, timeout=12, markup=False)
        self.set_interval(POLL_SECONDS, self.poll_store)
        # full garbage collections in the pauses between keys, not in a key press (see idle_gc)
        self.call_after_refresh(self.idle_gc.start)
        self.set_interval(IDLE_GC_TICK, self.idle_gc.tick)

    def on_unmount(self) -> None:
        self.idle_gc.stop()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self.idle_gc.input_seen()
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded and await self._take_text(event):
            return
        await super().on_event(event)

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
        if not await self._check_bindings(event.key, priority=True):  # a key the schema binds (AZERTY é)
            take(ch)
        return True

    def poll_store(self) -> None:
        """Other processes' saves (another annotator, an import) show up without a restart."""
        signature = self.store.signature()
        if signature != self._signature:
            self._signature = signature
            self.screen.post_message(StoreChanged())

    def note_own_save(self) -> None:
        """Our own saves need no reload: remember the store as it is now."""
        self._signature = self.store.signature()

    def report_error(self, exc: Exception, title: str = "store error") -> None:
        """A store or file problem as a message on screen: the app keeps running, nothing is overwritten."""
        message = str(exc) if isinstance(exc, StoreError) else f"{exc.__class__.__name__}: {exc}"
        self.notify(message, title=title, severity="error", timeout=8, markup=False)

    def action_quit(self) -> None:
        self.exit(0)


def paste_line(text: str) -> str:
    """Pasted text for a one-line field: line breaks become spaces, control characters go."""
    return strip_controls(" ".join(text.splitlines()))
