"""The reader's selection keys and search, as a mixin of ``ReaderScreen`` (screen.py): where the selection
goes (sentences, words, clauses, quotes, a typed character, claims, a click or drag) and the search line.
Every move is a call on the screen's ``ArticleSession``; the view and panels follow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.actions import SkipAction

from annotations.text.display import counted, display_safe
from annotations.text.search import find_all

from ...widgets.article_list import ArticleList
from ...widgets.claims_panel import ClaimsPanel
from ...widgets.text_view import ArticleTextView


class SelectionKeys:
    """Needs ``session``, ``_shown``, ``matches``, ``say``, ``refresh_panels``, ``query_one``, ``app``, ``focused``."""

    session: Any
    _shown: bool
    matches: list[tuple[int, int]]

    if TYPE_CHECKING:  # what the screen provides (declared for the type checker only: never shadows it)
        app: Any
        focused: Any

        def query_one(self, *args: Any) -> Any: ...

        def say(self, message: str) -> None: ...

        def refresh_panels(self) -> None: ...

    # -- actions: selection ------------------------------------------------------------------------

    def move(self, fn, *args) -> None:
        fn(*args)
        if not self._shown:
            return
        self.query_one(ArticleTextView).set_selection(*self.session.selection)
        self.refresh_panels()
        claim = self.session.claim_under_cursor()
        others = self.query_one(ClaimsPanel).linked.get(claim.id, 0) if claim is not None else 0
        if others and (claim.start, claim.end) == self.session.selection:
            self.say(f"this claim is also in {counted(others, 'other article', 'other articles')} (b compares)")

    def _leave_to_focused_list(self) -> None:
        """j/k/arrows belong to the side list or the claims panel when one of them has focus."""
        focused = self.focused
        if isinstance(focused, (ArticleList, ClaimsPanel)) and focused.display and self._shown:
            raise SkipAction()

    def action_next_sentence(self) -> None:
        self._leave_to_focused_list()
        self.move(self.session.move_sentence, 1)

    def action_prev_sentence(self) -> None:
        self._leave_to_focused_list()
        self.move(self.session.move_sentence, -1)

    def action_extend_end(self) -> None:
        self.move(self.session.extend_end, 1)

    def action_shrink_end(self) -> None:
        self.move(self.session.extend_end, -1)

    def action_extend_start(self) -> None:
        self.move(self.session.extend_start, 1)

    def action_shrink_start(self) -> None:
        self.move(self.session.extend_start, -1)

    def action_next_clause(self) -> None:
        self.move(self.session.next_clause, 1)

    def action_prev_clause(self) -> None:
        self.move(self.session.next_clause, -1)

    def action_extend_clause(self) -> None:
        self.move(self.session.extend_clause)

    def action_next_quote(self) -> None:
        self.move(self.session.next_quote)

    def action_end_to_char(self) -> None:
        self._to_char("end", " T  selection end before: ")

    def action_start_to_char(self) -> None:
        self._to_char("start", " F  selection start onto: ")

    def _to_char(self, side: str, prompt: str) -> None:
        from ..prompt.char_prompt import CharPrompt

        def done(ch: str | None) -> None:
            if ch is not None and not self.session.to_character(side, ch):
                where = "after the selection start" if side == "end" else "inside the selection"
                self.say(f"no {display_safe(ch)!r} {where}")
            self.move(lambda: None)

        self.app.push_screen(CharPrompt(prompt), done)

    def action_next_claim(self) -> None:
        self.move(self.session.jump_claim, 1)

    def action_prev_claim(self) -> None:
        self.move(self.session.jump_claim, -1)

    def on_article_text_view_clicked(self, message: ArticleTextView.Clicked) -> None:
        self.move(self.session.select_sentence_at, message.offset)

    def on_article_text_view_dragged(self, message: ArticleTextView.Dragged) -> None:
        self.move(self.session.select, message.start, message.end)

    # -- search -------------------------------------------------------------------------------------

    def action_search(self) -> None:
        from ..prompt.search_bar import SearchBar

        self.app.push_screen(SearchBar(self))

    def search_for(self, query: str) -> int:
        """Mark every match of ``query`` (case-insensitive); returns how many."""
        self.matches = find_all(self.session.text, query)
        if self._shown:
            self.query_one(ArticleTextView).set_matches(self.matches)
        return len(self.matches)

    def search_next(self) -> str:
        """Select the next match after the selection; says where it is."""
        if not self.matches:
            return "no match"
        start = self.session.selection[0]
        nxt = next((m for m in self.matches if m[0] > start), self.matches[0])
        self.move(self.session.select, *nxt)
        return f"match {self.matches.index(nxt) + 1} of {len(self.matches)} · Enter next · Esc back to tagging"

    def end_search(self) -> None:
        """The selection stays on the match (ready to tag); the match marks go."""
        self.matches = []
        if self._shown:
            self.query_one(ArticleTextView).set_matches([])
