"""The claims panel: this article's claims in text order, the one under the cursor marked, each with its
target, its note and both ends of its quote (claims that overlap differ where they start or end), and the
article's own labels and status. Draws only as many claims as fit.

A Line API widget (``render_line``): its lines are rich ``Text`` rendered straight to strips,
once per change, and a claim's rows are reused while they stay the same. Returned as one
``Text`` from ``render``, Textual converted and wrapped the whole panel again after every
tag: ~6 ms of each key press at 160x48."""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

from annotations.models import ArticleState, Claim
from annotations.schema import Schema
from annotations.text.display import both_ends, counted, display_safe

from .. import keys
from .claim_styles import stance_style


class ClaimsPanel(Widget, can_focus=True):
    """Focus it with Tab: then j/k (or arrows) walk the claims, and the text follows."""

    DEFAULT_CSS = """
    ClaimsPanel { padding: 0 1; }
    ClaimsPanel:focus { background: $boost; }
    """

    def __init__(self, schema: Schema, **kwargs: Any):
        super().__init__(**kwargs)
        self.schema = schema
        keys.bind_scope(self, schema.keys, "claims", prefix="screen.", priority=False)
        self.claims: list[Claim] = []
        self.current: Claim | None = None
        self.state: ArticleState | None = None
        self.stale = 0
        self.linked: dict[str, int] = {}  # claim id -> how many other articles it is linked to (compare view)
        self._strips: list[Strip] = []
        self._strips_for: tuple | None = None  # what _strips show: (claims, current, state, stale, size)
        self._base: Style | None = None
        self._rows: dict[tuple, tuple[Claim, list[Strip]]] = {}  # (index, claim id, current): its strips

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
        head.append(f"{display_safe(claim.stance)[:7]:<7} ", style=style + Style(bold=True))
        head.append(f"{display_safe(claim.type)[:4]:<4} ", style="italic")
        meta = Text(f"→ {display_safe(claim.target)}", style="dim")
        others = self.linked.get(claim.id, 0)
        if others:
            meta.append(f" ⇄{others}", style="dim")  # linked to claims of that many other articles
        if claim.note:  # the note itself where there is room, else its mark
            meta.append(f" ✎ {display_safe(claim.note)}" if two_lines else " ✎", style="dim italic")
        if two_lines:
            head.append_text(meta)
            head.truncate(width, overflow="ellipsis")
            # both ends of the quote: overlapping claims that start alike differ where they end
            body = Text("▌    ", style=style) + Text(both_ends(claim.quote, max(1, width - 5)))
            rows = [head, body]
        else:
            room = max(1, width - head.cell_len - meta.cell_len - 2)
            head.append(both_ends(claim.quote, room))
            head.truncate(max(1, width - meta.cell_len - 2), overflow="ellipsis")
            head.append("  ")
            head.append_text(meta)
            rows = [head]
        if self.current is not None and claim.id == self.current.id:
            for row in rows:
                row.stylize("reverse")
        return rows

    def _head_lines(self, width: int) -> list[Text]:
        """The labels and status, then the claim count."""
        lines = list(self._labels_text().wrap(self.app.console, width))
        title = counted(len(self.claims), "claim", "claims") if self.claims else "no claims yet — select a sentence, press 1/2/3"
        lines.append(Text(title, style="bold underline" if self.claims else "dim", no_wrap=True, overflow="ellipsis"))
        return lines

    def _shown_claims(self, room: int, two_lines: bool) -> range:
        """The claims that fit in ``room`` lines, the current one in the middle where it can be."""
        if room <= 0 or not self.claims:
            return range(0)
        fit = max(1, room // (2 if two_lines else 1))
        current = next((i for i, c in enumerate(self.claims) if self.current and c.id == self.current.id), 0)
        first = max(0, min(current - fit // 2, len(self.claims) - fit))
        return range(first, min(len(self.claims), first + fit))

    def render_line(self, y: int) -> Strip:
        width, height = self.content_size
        key = (self.claims, self.current, self.state, self.stale, width, height)
        if key != self._strips_for:
            if key[4:] != (self._strips_for or ())[4:]:
                self._rows = {}  # another size: every row again
            self._strips_for, self._strips = key, self._render_strips(width, height)
        return self._strips[y] if y < len(self._strips) else Strip.blank(width, self._base_style())

    def _render_strips(self, width: int, height: int) -> list[Strip]:
        """The panel's lines as strips; a claim's rows are reused while the claim, its number and
        the cursor mark on it stay the same (after a tag, most of the claims shown are)."""
        console, base = self.app.console, self._base_style()

        def strip(text: Text) -> Strip:
            text.truncate(width, overflow="ellipsis")
            return Strip(text.render(console), text.cell_len).apply_style(base).crop_extend(0, width, base)

        strips = [strip(text) for text in self._head_lines(max(1, width))]
        two_lines = height >= 12
        rows: dict[tuple, tuple[Claim, list[Strip]]] = {}
        for i in self._shown_claims(height - len(strips), two_lines):
            claim = self.claims[i]
            key = (i, claim.id, self.current is not None and claim.id == self.current.id)
            got = self._rows.get(key)
            if got is None or got[0] is not claim:
                got = (claim, [strip(row) for row in self._claim_rows(i, claim, max(1, width), two_lines)])
            rows[key] = got
            strips += got[1]
        self._rows = rows
        return strips

    def _base_style(self) -> Style:
        """The panel's own style: Textual computes ``rich_style`` from the ancestors on every call."""
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips_for = self._base = None
        self._rows = {}
