"""The note on the claim under the cursor: a header line (which claim, the keys) over the note itself,
wrapped to the screen's width with the cursor at its end; a long note shows its last lines, so the
cursor and what is being typed stay in view. Enter saves, Escape cancels, Backspace erases."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from annotations.text.display import both_ends, display_safe, strip_controls

from .line_prompt import LinePrompt

NOTE_LINES = 8  # at most this many lines of the note are shown (its end)


class NoteScreen(LinePrompt):
    PROMPT = " note "
    HINT = "Enter save · Esc cancel · Backspace erase"

    def __init__(self, note: str, quote: str):
        super().__init__(note)
        self.quote = quote

    def draw(self) -> None:
        if not getattr(self, "_composed", False):
            return
        width = max(10, self.app.size.width - 2)
        head = Text(self.PROMPT, style="bold")
        head.append(f"on “{both_ends(self.quote, max(10, width - 52))}”", style="dim")
        head.append(f"  {self.HINT}", style="dim")
        head.truncate(width + 1, overflow="ellipsis")
        body = Text(display_safe(self.text))
        body.append("▏", style="blink")
        lines = body.wrap(self.app.console, width)
        shown = Text("\n").join([Text(" ") + line for line in list(lines)[-NOTE_LINES:]])
        more = len(lines) - NOTE_LINES
        if more > 0:
            head.append(f"  ({more} more line{'s' if more > 1 else ''} above)", style="dim")
        self.query_one("#prompt", Static).update(Text("\n").join([head, shown]))

    def submitted(self) -> None:
        self.dismiss(strip_controls(self.text).strip())
