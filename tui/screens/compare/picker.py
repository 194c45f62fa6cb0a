"""The reader's compare key: where the claim under the cursor is told again (``similar.where_else``: the
article and the sentence), or the articles most like the one on screen (``similar.most_similar``), best
first with their score; Enter opens the compare view."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotations.compare.similar import Similar
from annotations.text.display import display_safe

from ... import keys


class SimilarPicker(ModalScreen[str | None]):
    DEFAULT_CSS = """
    SimilarPicker { align: center middle; }
    SimilarPicker #box { width: 90%; max-width: 100; height: auto; max-height: 80%; border: round $primary;
                         background: $surface; }
    SimilarPicker #head { padding: 0 1; }
    """

    def __init__(self, heading: str, choices: list[tuple[str, str, float]]):
        """``choices``: (article id, what to show, score), best first."""
        super().__init__()
        self.heading, self.choices = heading, choices
        keys.bind_scope(self, self.app.schema.keys, "pick")

    @classmethod
    def of_similar(cls, title: str, similar: list[Similar]) -> SimilarPicker:
        return cls(f"Compare “{display_safe(title)[:60]}” with (most similar first)",
                   [(s.article.id, f"{display_safe(s.article.title)[:70] or s.article.id}  ({display_safe(s.article.id)})",
                     s.score) for s in similar])

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        with Vertical(id="box"):
            yield Static(Text(f"{self.heading} · Enter open · Esc close", style="bold"), id="head")
            yield OptionList(*[Option(Text(f"{score:.2f}  {shown}"), id=aid) for aid, shown, score in self.choices],
                             id="options")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0 if self.choices else None
        options.focus()

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_choose(self) -> None:
        options = self.query_one(OptionList)
        i = options.highlighted
        self.dismiss(self.choices[i][0] if i is not None and self.choices else None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
