"""The one-line status bar: what just happened (saved, errors) on the left, key hints on the right."""

from __future__ import annotations

import time

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from annotations.text.display import display_safe


class StatusBar(Widget):
    DEFAULT_CSS = """
    StatusBar { height: 1; dock: bottom; background: $panel; color: $text; }
    """

    message: reactive[str] = reactive("")
    hints: reactive[str] = reactive("")

    def saved(self, what: str) -> None:
        self.message = f"✓ saved {time.strftime('%H:%M:%S')} · {what}"

    def say(self, message: str) -> None:
        self.message = message

    def render(self) -> Text:
        """The message first: the key hints give way when both do not fit (they are in help, the message
        is news). A message longer than the bar is cut with an ellipsis."""
        width = self.size.width
        hint = Text(self.hints, style="dim")
        left = Text(display_safe(self.message), no_wrap=True, overflow="ellipsis")  # may quote stored strings
        if left.cell_len + 1 + hint.cell_len > width:
            left.truncate(width, overflow="ellipsis", pad=True)
            return left
        left.truncate(max(0, width - hint.cell_len - 1), overflow="ellipsis", pad=True)
        return Text.assemble(left, " ", hint)
