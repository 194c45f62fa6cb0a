"""How a claim looks: colour by stance, text style by type (from the schema), in the text and the panel."""

from __future__ import annotations

from rich.style import Style


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
