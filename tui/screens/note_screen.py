"""A one-line note on the claim under the cursor."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from annotations.normalize import strip_controls


class NoteScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, note: str, quote: str):
        super().__init__()
        self.note = note
        self.quote = quote

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text("Note on: ", style="bold") + Text(strip_controls(self.quote)[:200]), id="quote")
            yield Input(value=self.note, placeholder="note (Enter saves, Escape cancels)", id="note")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(strip_controls(event.value).strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
