"""The claims panel: this article's claims in text order, the one under the cursor marked,
and the article's own labels and status. Draws only as many claims as fit."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget

from annotations.models import ArticleState, Claim
from annotations.normalize import strip_controls

from .claim_styles import stance_style


class ClaimsPanel(Widget, can_focus=True):
    """Focus it with Tab: then j/k (or arrows) walk the claims, and the text follows."""

    DEFAULT_CSS = """
    ClaimsPanel { padding: 0 1; }
    ClaimsPanel:focus { background: $boost; }
    """
    BINDINGS = [
        Binding("j,down", "screen.next_claim", "next claim", show=False),
        Binding("k,up", "screen.prev_claim", "previous claim", show=False),
    ]

    def __init__(self, schema, **kwargs):
        super().__init__(**kwargs)
        self.schema = schema
        self.claims: list[Claim] = []
        self.current: Claim | None = None
        self.state: ArticleState | None = None
        self.stale = 0

    def show(self, claims: list[Claim], current: Claim | None, state: ArticleState, stale: int = 0) -> None:
        if claims is self.claims and current == self.current and state == self.state and stale == self.stale:
            return  # a cursor move that changes nothing here: no repaint (~10 ms at 160x48, see bench_app)
        self.claims, self.current, self.state, self.stale = claims, current, state, stale
        self.refresh()

    def _labels_text(self) -> Text:
        text = Text()
        state = self.state
        status = state.status if state else "todo"
        mark = {"done": "✓", "in progress": "◐"}.get(status, "·")
        text.append(f"{mark} {status}", style="bold green" if status == "done" else "bold")
        for label_set in self.schema.label_sets:
            values = (state.labels.get(label_set.name) if state else None) or []
            text.append(f" · {label_set.name}: ", style="dim")
            text.append(", ".join(values) if values else "—")
        if self.stale:
            text.append(f"\n⚠ {self.stale} claims on an older text need review", style="bold yellow")
        return text

    def _claim_rows(self, index: int, claim: Claim, width: int, two_lines: bool) -> list[Text]:
        """One line (quote beside the labels) when space is short, else labels over the quote."""
        style = stance_style(self.schema, claim.stance, self.app.no_color)
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append("▌", style=style)
        head.append(f"{index + 1:>3} ", style="dim")
        head.append(f"{claim.stance[:7]:<7} ", style=style + Style(bold=True))
        head.append(f"{claim.type[:4]:<4} ", style="italic")
        meta = Text(f"→ {claim.target}" + (" ✎" if claim.note else ""), style="dim")
        quote = Text(strip_controls(claim.quote), no_wrap=True, overflow="ellipsis")
        if two_lines:
            head.append_text(meta)
            head.truncate(width, overflow="ellipsis")
            body = Text("▌    ", style=style) + quote
            body.truncate(width, overflow="ellipsis")
            rows = [head, body]
        else:
            head.append_text(quote)
            head.truncate(max(1, width - meta.cell_len - 2), overflow="ellipsis")
            head.append("  ")
            head.append_text(meta)
            rows = [head]
        if self.current is not None and claim.id == self.current.id:
            for row in rows:
                row.stylize("reverse")
        return rows

    def render(self) -> Text:
        width = max(10, self.size.width - 2)
        height = max(1, self.size.height)
        header = self._labels_text()
        header_lines = len(header.wrap(self.app.console, width))
        out = Text()
        out.append_text(header)
        out.append("\n")
        title = f"{len(self.claims)} claim{'s' if len(self.claims) != 1 else ''}" if self.claims else "no claims yet — select a sentence, press 1/2/3"
        out.append(title, style="bold underline" if self.claims else "dim")
        room = height - header_lines - 1
        if room <= 0 or not self.claims:
            return out
        two_lines = height >= 12
        per_claim = 2 if two_lines else 1
        fit = max(1, room // per_claim)
        current = next((i for i, c in enumerate(self.claims) if self.current and c.id == self.current.id), 0)
        first = max(0, min(current - fit // 2, len(self.claims) - fit))
        for i in range(first, min(len(self.claims), first + fit)):
            for row in self._claim_rows(i, self.claims[i], width, two_lines):
                out.append("\n")
                out.append_text(row)
        return out
