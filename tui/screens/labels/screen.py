"""The article-labels picker: one row per label set, the schema's number keys toggle values.

Up/Down (or k/j) choose the label set, the value keys (1, 2, ...) set or toggle a value,
Escape or Enter closes. Every change is saved at once (and can be undone with u).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from annotations.editing import ArticleSession
from annotations.errors import StoreError
from annotations.schema import key_label
from annotations.text.display import display_safe

from ... import keys


class LabelsScreen(ModalScreen[None]):
    CSS_PATH = "labels.tcss"

    def __init__(self, session: ArticleSession):  # or a ReviewSession: the gold layer's labels
        super().__init__()
        self.session = session
        self.row = 0
        keys.bind_scope(self, session.schema.keys, "labels")
        # Value keys are bindings, not an on_key handler: keys typed ahead while this screen is being
        # pushed reach the app before the screen is mounted, and only bindings are resolved then.
        self.value_keys = sorted({v.key for s in session.schema.label_sets for v in s.values})
        keys.bind_indexed(self, self.value_keys, "choose")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Article labels", id="heading")
            yield Static(id="sets")
            mine = self.session.schema.keys_of("labels")
            yield Static(Text(f"{key_label(mine['next_set'][:1] + mine['prev_set'][:1])} label set · "
                              f"value keys choose · {key_label(mine['close'][:1])} close", style="dim"))

    def on_mount(self) -> None:
        self._composed = True
        self.draw()

    def draw(self) -> None:
        if not getattr(self, "_composed", False):  # keys typed ahead act before the widgets exist
            return
        found = self.query("#sets")
        if not found:  # the app is closing (q typed ahead of a): nothing to draw on
            return
        sets_widget = found.first(Static)
        width = max(20, sets_widget.size.width or self.app.size.width - 12)
        out = Text()
        state = self.session.state
        for i, label_set in enumerate(self.session.schema.label_sets):
            chosen = state.labels.get(label_set.name, [])
            if i:
                out.append("\n")
            out.append("▸ " if i == self.row else "  ", style="bold")
            kind = "choose several" if label_set.multiple else "choose one"
            out.append(display_safe(label_set.name), style="bold" if i == self.row else "")
            out.append(f" ({kind})", style="dim")
            items = []
            for value in label_set.values:
                on = value.name in chosen
                item = Text(f" {key_label(value.key)} ", style="reverse" if on else "dim")
                item.append(f"{'[x]' if on else '[ ]'} {display_safe(value.name)}", style="bold" if on else "")
                items.append(item)
            out.append_text(pack(items, width, indent=4))
        sets_widget.update(out)

    def move(self, delta: int) -> None:
        """No wrapping: Down on the last set stays there (a wrap sent the next value key to the first set)."""
        self.row = max(0, min(len(self.session.schema.label_sets) - 1, self.row + delta))
        self.draw()

    def action_clear(self) -> None:
        sets = self.session.schema.label_sets
        if not sets:
            return
        label_set = sets[self.row]
        if not self.session.state.labels.get(label_set.name):
            return
        try:
            self.session.clear_label(label_set.name)
        except StoreError as exc:
            self.app.report_error(exc)
        self.app.note_own_save()
        self.draw()

    def action_next_set(self) -> None:
        self.move(1)

    def action_prev_set(self) -> None:
        self.move(-1)

    def action_choose(self, index: int) -> None:
        sets = self.session.schema.label_sets
        if not sets:
            return
        label_set = sets[self.row]
        value = label_set.value_by_key(self.value_keys[index])
        if value is None:
            return
        try:
            self.session.toggle_label(label_set.name, value.name)
        except StoreError as exc:
            self.app.report_error(exc)
        self.app.note_own_save()
        if not label_set.multiple and self.row < len(sets) - 1:
            self.row += 1  # a single choice is made: go on to the next label set
        self.draw()

    def action_close(self) -> None:
        self.dismiss(None)


def pack(items: list[Text], width: int, indent: int) -> Text:
    """Items on as few lines as fit in ``width``, never breaking inside one item."""
    out, used = Text(), width
    for item in items:
        if used + 2 + item.cell_len > width:
            out.append("\n" + " " * indent)
            used = indent
        else:
            out.append("  ")
            used += 2
        out.append_text(item)
        used += item.cell_len
    return out
