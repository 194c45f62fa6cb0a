"""How a claim looks: colour by stance, text style by type (from the schema), in the text and the panel."""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style

from annotations.models import Claim

from .text_view import Highlight


def stance_style(schema, stance: str, no_color: bool = False) -> Style:
    """The stance's colour; none under NO_COLOR, where a colour turned grey would only cost contrast."""
    choice = schema.stance(stance)
    if no_color or not (choice and choice.color):
        return Style()
    return Style(color=choice.color)


class ClaimStyles:
    """One Style per (stance, type), made once: an article with 2,000 claims re-highlights on every tag."""

    def __init__(self, schema, no_color: bool):
        self.schema = schema
        self.no_color = no_color
        self._styles: dict[tuple[str, str], Style] = {}

    def __call__(self, stance: str, type_: str) -> Style:
        style = self._styles.get((stance, type_))
        if style is None:
            style = stance_style(self.schema, stance, self.no_color)
            ctype = self.schema.claim_type(type_)
            if ctype and ctype.style:
                style += Style.parse(ctype.style)
            self._styles[(stance, type_)] = style
        return style


class ClaimHighlights:
    """The text view's highlights for a list of claims. A claim object seen last time keeps its
    Highlight object, so after a tag the view finds the one change by identity instead of
    comparing 2,000 highlights by value (see ``ArticleTextView.set_highlights``)."""

    def __init__(self, styles: ClaimStyles):
        self.styles = styles
        self._made: dict[str, tuple[Claim, Highlight]] = {}

    def __call__(self, claims: Sequence[Claim]) -> list[Highlight]:
        made: dict[str, tuple[Claim, Highlight]] = {}
        out = []
        for claim in claims:
            got = self._made.get(claim.id)
            if got is None or got[0] is not claim:
                got = (claim, Highlight(claim.start, claim.end, self.styles(claim.stance, claim.type)))
            made[claim.id] = got
            out.append(got[1])
        self._made = made
        return out
