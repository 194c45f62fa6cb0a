"""The reader's search line: `/`, type, Enter jumps to the next match, Escape closes.

A one-line modal over the reader's status line, so that while it is open every printable key
is part of the query (not a reader command), in the order typed.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

from .query_keys import bind_query_keys


class SearchBar(ModalScreen[None]):
    BINDINGS = [
        Binding("enter", "next", "next match", priority=True),
        Binding("backspace", "erase", "erase", show=False, priority=True),
        Binding("escape", "close", "close", priority=True),
    ]

    def __init__(self, reader) -> None:
        super().__init__()
        self.reader = reader
        self.query_text = ""
        self.result = ""
        bind_query_keys(self._bindings)

    def compose(self) -> ComposeResult:
        yield Static(id="query")

    def on_mount(self) -> None:
        self._composed = True
        self.draw()

    def draw(self) -> None:
        if not getattr(self, "_composed", False):
            return
        line = Text(" /", style="bold")
        line.append(self.query_text)
        line.append("▏", style="blink")
        line.append(f"  {self.result}" if self.result else "  Enter next match · Esc close", style="dim")
        self.query_one("#query", Static).update(line)

    def action_character(self, ch: str) -> None:
        self.set_query(self.query_text + ch)

    def action_erase(self) -> None:
        self.set_query(self.query_text[:-1])

    def set_query(self, query: str) -> None:
        self.query_text = query
        n = self.reader.search_for(query)
        self.result = f"{n} matches" if query else ""
        self.draw()

    def action_next(self) -> None:
        self.result = self.reader.search_next()
        self.draw()

    def action_close(self) -> None:
        self.reader.end_search()
        self.dismiss(None)
