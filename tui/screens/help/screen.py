"""Help: the keys of the screen it was opened from (as the schema remaps them) and the guidelines."""

from __future__ import annotations

from rich.markdown import Markdown as RichMarkdown
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from annotations.schema import SCOPES, Schema, key_label
from annotations.schema.actions import in_scope
from annotations.text.display import display_safe

from ... import keys

# the scopes whose keys help shows, by the screen it was opened from
SHOWN_SCOPES = {"reader": ("reader", "claims", "app"), "list": ("list", "app"), "review": ("review", "app"),
                "review_list": ("review_list", "app")}


def bindings_table(schema: Schema, scope: str = "reader") -> Table:
    table = Table(box=None, show_header=True, header_style="bold", padding=(0, 2, 0, 0))
    table.add_column("key", no_wrap=True)
    table.add_column("action")
    if scope in ("reader", "review"):
        what = ("tag the selection as a claim, stance", "type of the claim under the cursor:") if scope == "reader" \
            else ("gold claim of the unit: stance", "gold claim of the unit: type")
        for choice in schema.stances:
            table.add_row(Text(key_label(choice.key)), Text(f"{what[0]} {display_safe(choice.name)}"))
        for choice in schema.claim_types:
            table.add_row(Text(key_label(choice.key)), Text(f"{what[1]} {display_safe(choice.name)}"))
    for shown in SHOWN_SCOPES.get(scope, (scope, "app")):
        for action in in_scope(shown):
            where = "" if shown == scope else f" ({SCOPES[shown]})"
            table.add_row(Text(key_label(schema.keys[action.id])), Text(action.description + where))
    if scope == "reader":
        table.add_row(Text("Tab"), Text("move focus between panes"))
    return table


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"

    def __init__(self, scope: str = "reader") -> None:
        super().__init__()
        self.scope = scope
        keys.bind_scope(self, keys.keymap_of(self), "help")

    def compose(self) -> ComposeResult:
        schema = self.app.schema
        close = key_label(schema.keys["help.close"][:1])
        with VerticalScroll(id="help"):
            yield Static(Text(f"Keys in {SCOPES[self.scope]}  ({close} closes help)", style="bold underline"))
            yield Static(bindings_table(schema, self.scope), id="keys")
            yield Static(Text(f"Guidelines ({display_safe(schema.source)})", style="bold underline"))
            # rich's Markdown in one Static: Textual's Markdown widget mounts a widget per block (~0.3 s
            # of help's opening for the built-in guidelines); links shown as text and URL, never as a
            # terminal hyperlink whose target the reader cannot see
            yield Static(RichMarkdown(schema.guidelines_text(), hyperlinks=False), id="guidelines")

    def on_mount(self) -> None:
        self.query_one("#help").focus()

    def action_close(self) -> None:
        self.dismiss(None)
