"""A one-line prompt at the bottom of the screen that never drops a key typed ahead.

A Textual ``Input`` takes its keys from its own message queue, after the app has already run
the priority bindings of keys typed later in the same burst: "/hsbc" then Escape closed the
search before the query was typed. Here every printable ASCII character is a priority binding
of the prompt itself, resolved in order as keys arrive; other characters (é, 中) and pastes come, just as
promptly, through ``take_text`` (see ``ClaimtagApp._take_text``). Enter submits, Escape cancels, Backspace erases.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

from annotations.text.display import display_safe

from ... import keys


class LinePrompt(ModalScreen[str | None]):
    """Subclasses set PROMPT and HINT and may override changed() / submitted()."""

    CSS_PATH = "prompt.tcss"

    PROMPT = "> "
    HINT = "Enter · Esc"

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.text = text
        self.message = ""
        keys.bind_scope(self, keys.keymap_of(self), "prompt")
        keys.bind_text_keys(self)

    def compose(self) -> ComposeResult:
        yield Static(id="prompt")

    def on_mount(self) -> None:
        self._composed = True
        self.draw()

    def draw(self) -> None:
        if not getattr(self, "_composed", False):  # keys typed ahead arrive before the widgets exist
            return
        line = Text(self.PROMPT, style="bold")
        line.append(display_safe(self.text))
        line.append("▏", style="blink")
        line.append(f"  {self.message or self.HINT}", style="dim")
        self.query_one("#prompt", Static).update(line)

    def set_text(self, text: str) -> None:
        self.text = text
        self.changed()
        self.draw()

    def action_character(self, ch: str) -> None:
        self.set_text(self.text + ch)

    def take_text(self, text: str) -> None:
        """Characters without a binding (é, 中) and pastes, from the app (ClaimtagApp._take_text)."""
        self.set_text(self.text + text)

    def action_erase(self) -> None:
        self.set_text(self.text[:-1])

    def action_submit(self) -> None:
        self.submitted()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def changed(self) -> None:
        """The text changed."""

    def submitted(self) -> None:
        self.dismiss(self.text)
