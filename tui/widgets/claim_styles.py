"""How a claim looks: colour by stance, text style by type (from the schema), in the text and the panel."""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style

from annotations.models import Claim

from .gutter_view import GutterLayer
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


def stance_marks(schema) -> dict[str, str]:
    """One character per stance for the NO_COLOR gutter: its initial (F, A, N), or its key when two
    stances share an initial."""
    initials = [c.name[:1].upper() or "?" for c in schema.stances]
    unique = len(set(initials)) == len(initials)
    return {c.name: (i if unique else c.key[:1]) for c, i in zip(schema.stances, initials)}


def stance_layers(schema, claims: Sequence[Claim]) -> list[GutterLayer]:
    """The NO_COLOR gutter's layers for ``claims``: one per stance, marked on the lines its claims cover
    (the reader and both sides of the compare view)."""
    marks = stance_marks(schema)
    return [GutterLayer(marks[st.name], [(c.start, c.end) for c in claims if c.stance == st.name])
            for st in schema.stances]


class ClaimHighlights:
    """The text view's highlights for a list of claims. A claim object seen last time keeps its
    Highlight objects, so after a tag the view finds the one change by identity instead of
    comparing 2,000 highlights by value (see ``ArticleTextView.set_highlights``). Under NO_COLOR
    each claim's first character is also drawn reversed: where two claims of one type and stance meet,
    the boundary shows without colour (the stance is in the reader's gutter)."""

    def __init__(self, styles: ClaimStyles):
        self.styles = styles
        self._made: dict[str, tuple[Claim, tuple[Highlight, ...]]] = {}

    def __call__(self, claims: Sequence[Claim]) -> list[Highlight]:
        made: dict[str, tuple[Claim, tuple[Highlight, ...]]] = {}
        out: list[Highlight] = []
        mark_starts = self.styles.no_color
        for claim in claims:
            got = self._made.get(claim.id)
            if got is None or got[0] is not claim:
                style = self.styles(claim.stance, claim.type)
                shown = (Highlight(claim.start, claim.end, style),)
                if mark_starts:
                    shown += (Highlight(claim.start, min(claim.end, claim.start + 1), style + Style(reverse=True)),)
                got = (claim, shown)
            made[claim.id] = got
            out += got[1]
        self._made = made
        return out
