"""The reader's search line: `/`, type, Enter jumps to the next match, Escape closes.

While it is open every printable key is part of the query (not a reader command), in the order
typed (see line_prompt.py).
"""

from __future__ import annotations

from annotations.text.display import counted

from .line_prompt import LinePrompt


class SearchBar(LinePrompt):
    PROMPT = " /"
    HINT = "Enter next match · Esc close"

    def __init__(self, reader) -> None:
        super().__init__()
        self.reader = reader

    def changed(self) -> None:
        n = self.reader.search_for(self.text)
        self.message = f"{counted(n, 'match', 'matches')} · Enter next · Esc close" if self.text else ""

    def submitted(self) -> None:
        self.message = self.reader.search_next()
        self.draw()

    def action_cancel(self) -> None:
        self.reader.end_search()
        self.dismiss(None)
