"""One typed character for the reader's `T` and `F` (move one side of the selection to a character, as vim's
`t` and `f`): the next key is the character, whatever it would do in the reader. A character typed
ahead (``Tx`` in one read) is taken in order, as in every prompt (see line_prompt.py)."""

from __future__ import annotations

from .line_prompt import LinePrompt


class CharPrompt(LinePrompt):
    HINT = "type the character · Esc cancel"

    def __init__(self, prompt: str) -> None:
        super().__init__()
        self.PROMPT = prompt

    def set_text(self, text: str) -> None:
        if text:
            self.dismiss(text[0])

    def action_submit(self) -> None:
        """Enter is not a character: nothing to move to."""
