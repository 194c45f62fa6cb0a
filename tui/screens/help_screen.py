"""Help: every key binding (as remapped by the schema) and the annotation guidelines."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from .reader_keys import READER_BINDINGS

KEY_NAMES = {"slash": "/", "question_mark": "?", "escape": "Esc", "down": "↓", "up": "↑",
             "ctrl+r": "Ctrl+R", "enter": "Enter", "tab": "Tab"}


def key_label(keys: str | tuple[str, ...]) -> str:
    parts = keys.split(",") if isinstance(keys, str) else list(keys)
    return " / ".join(KEY_NAMES.get(k.strip(), k.strip()) for k in parts)


def bindings_table(schema) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", padding=(0, 2, 0, 0))
    table.add_column("key", no_wrap=True)
    table.add_column("action")
    for choice in schema.stances:
        table.add_row(Text(key_label(choice.key)), Text(f"tag the selection as a claim, stance {choice.name}"))
    for choice in schema.claim_types:
        table.add_row(Text(key_label(choice.key)), Text(f"type of the claim under the cursor: {choice.name}"))
    for binding in READER_BINDINGS:
        keys = schema.keys.get(binding.id, binding.key)
        table.add_row(Text(key_label(keys)), Text(binding.description))
    table.add_row(Text("Tab"), Text("move focus between panes"))
    return table


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "../styles/modals.tcss"
    BINDINGS = [Binding("escape,q,question_mark", "close", "close", priority=True)]

    def compose(self) -> ComposeResult:
        schema = self.app.schema
        with VerticalScroll(id="help"):
            yield Static(Text("Keys", style="bold underline"))
            yield Static(bindings_table(schema), id="keys")
            yield Static(Text(f"Guidelines ({schema.source})", style="bold underline"))
            yield Markdown(schema.guidelines_text(), id="guidelines")

    def on_mount(self) -> None:
        self.query_one("#help").focus()

    def action_close(self) -> None:
        self.dismiss(None)
