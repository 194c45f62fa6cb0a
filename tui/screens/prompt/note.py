"""A one-line note on the claim under the cursor: Enter saves, Escape cancels."""

from __future__ import annotations

from annotations.text.display import display_safe, strip_controls

from .line_prompt import LinePrompt


class NoteScreen(LinePrompt):
    PROMPT = " note: "
    HINT = "Enter save · Esc cancel · Backspace erase"

    def __init__(self, note: str, quote: str):
        super().__init__(note)
        self.message = f"on “{display_safe(quote)[:40]}…”" if len(quote) > 40 else f"on “{display_safe(quote)}”"

    def changed(self) -> None:
        self.message = ""

    def submitted(self) -> None:
        self.dismiss(strip_controls(self.text).strip())
