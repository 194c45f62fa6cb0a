"""The reader's keys: the fixed bindings (remappable by id through the schema's ``[keys]``, see
``ClaimtagApp.on_mount``) and the schema's own keys for stances and claim types.

Priority bindings are resolved by the app the moment a key arrives, in order: keys typed ahead
(fast typists, keys bunched by an SSH link) act on the screen they were meant for, even while a
screen is still being pushed (prompts do the same for text: line_prompt.py).
"""

from __future__ import annotations

from textual.binding import Binding, BindingsMap

READER_BINDINGS = [
    Binding("j,down", "next_sentence", "next sentence", id="next_sentence", priority=True),
    Binding("k,up", "prev_sentence", "previous sentence", id="prev_sentence", priority=True),
    Binding("l", "extend_end", "extend end by a word", id="extend_end", priority=True),
    Binding("h", "shrink_end", "shrink end by a word", id="shrink_end", priority=True),
    Binding("L", "extend_start", "extend start by a word", id="extend_start", priority=True),
    Binding("H", "shrink_start", "shrink start by a word", id="shrink_start", priority=True),
    Binding("n", "next_claim", "next claim", id="next_claim", priority=True),
    Binding("N", "prev_claim", "previous claim", id="prev_claim", priority=True),
    Binding("t", "cycle_target", "cycle target", id="cycle_target", priority=True),
    Binding("x", "delete_claim", "delete claim", id="delete_claim", priority=True),
    Binding("e", "edit_note", "note on claim", id="edit_note", priority=True),
    Binding("a", "labels", "article labels", id="labels", priority=True),
    Binding("d", "done", "done, next article", id="done", priority=True),
    Binding("u", "undo", "undo", id="undo", priority=True),
    Binding("ctrl+r", "redo", "redo", id="redo", priority=True),
    Binding("slash", "search", "search", id="search", priority=True),
    Binding("question_mark", "help", "help", id="help", priority=True),
    Binding("escape", "back", "back to list", id="back", priority=True),
    Binding("q", "app.quit", "quit", id="quit", priority=True),
]


def bind_schema_keys(bindings: BindingsMap, schema) -> None:
    """A stance's key tags the selection with it (one keystroke); a claim type's key sets the type."""
    for i, choice in enumerate(schema.stances):
        bindings.bind(choice.key, f"tag({i})", f"tag as {choice.name}", show=False, priority=True)
    for i, choice in enumerate(schema.claim_types):
        bindings.bind(choice.key, f"set_type({i})", f"type {choice.name}", show=False, priority=True)
