"""THE table of actions: every action of every screen, with its namespaced id, default keys and a
one-line description. Nothing else declares a key.

- ``tui/keys.py`` builds each screen's (and focusable widget's) bindings from it;
- the schema's ``[keys]`` remaps any of them (``parse.py`` validates against it);
- help shows the keys of the screen it was opened from, and the README's key table is
  ``markdown_table()`` (a test compares the two).

An id is ``SCOPE.NAME``: the scope is the screen (or widget) that handles it, the name is its
``action_NAME`` method there. Reader keys for stances and claim types come from the schema's
``[[stances]]`` and ``[[claim_types]]`` and share the reader's keyboard.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    id: str
    keys: tuple[str, ...]
    description: str
    yields: bool = False  # a default added after schemas were written: gives way to their type/stance keys

    @property
    def scope(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.id.split(".", 1)[1]


def _a(id_: str, keys: str, description: str, yields: bool = False) -> Action:
    return Action(id_, tuple(keys.split(",")), description, yields)


SCOPES: dict[str, str] = {
    "app": "everywhere",
    "list": "the article list",
    "reader": "the reader",
    "claims": "the claims panel (when it has focus)",
    "labels": "the article-labels dialog",
    "review_list": "the review list (claimtag review)",
    "review": "the review reader",
    "compare": "the compare view (two articles side by side)",
    "pick": "the list of similar articles",
    "prompt": "the search and note prompts",
    "help": "help",
}

ACTIONS: tuple[Action, ...] = (
    _a("app.quit", "ctrl+c", "quit claimtag"),
    # the article list (its keys also move the reader's side list when that has focus)
    _a("list.cursor_down", "j,down", "next article"),
    _a("list.cursor_up", "k,up", "previous article"),
    _a("list.cursor_page_down", "pagedown", "a page down"),
    _a("list.cursor_page_up", "pageup", "a page up"),
    _a("list.cursor_first", "home", "first article"),
    _a("list.cursor_last", "end", "last article"),
    _a("list.open", "enter", "open the article"),
    _a("list.filter", "slash", "start a filter (then every letter is part of it)"),
    _a("list.erase", "backspace", "erase the filter's last character"),
    _a("list.clear_filter", "escape", "clear the filter"),
    _a("list.help", "question_mark", "help"),
    _a("list.quit", "q", "quit"),
    # the reader
    _a("reader.next_sentence", "j,down", "move the selection to the next sentence"),
    _a("reader.prev_sentence", "k,up", "move the selection to the previous sentence"),
    _a("reader.extend_end", "l", "selection end one word right"),
    _a("reader.shrink_end", "h", "selection end one word left"),
    _a("reader.extend_start", "L", "selection start one word left"),
    _a("reader.shrink_start", "H", "selection start one word right"),
    _a("reader.next_clause", "c", "select the next clause of the sentence (cut at , ; : dashes quotes 'said that')"),
    _a("reader.prev_clause", "C", "select the previous clause"),
    _a("reader.extend_clause", "w", "selection end to the end of the next clause (clauses joined)"),
    _a("reader.next_quote", "quotation_mark", "select the next quoted part, without its quotes"),
    _a("reader.end_to_char", "T", "then a character: selection end just before the first one after its start (vim t; again: the next)",
       yields=True),
    _a("reader.start_to_char", "F", "then a character: selection start onto the next one inside it (vim f)",
       yields=True),
    _a("reader.next_claim", "n", "next claim"),
    _a("reader.prev_claim", "N", "previous claim"),
    _a("reader.cycle_target", "t", "the claim under the cursor gets the next target"),
    _a("reader.add_target", "plus", "another claim on the same span, for the next target (one claim per target)",
       yields=True),
    _a("reader.delete_claim", "x", "delete the claim under the cursor"),
    _a("reader.edit_note", "e", "note on the claim under the cursor"),
    _a("reader.labels", "a", "article labels"),
    _a("reader.done", "d", "mark the article done, open the next one"),
    _a("reader.undo", "u", "undo"),
    _a("reader.redo", "ctrl+r", "redo"),
    _a("reader.compare", "b", "compare with a similar article, side by side (a list, most similar first)",
       yields=True),
    _a("reader.search", "slash", "search the text"),
    _a("reader.help", "question_mark", "help"),
    _a("reader.back", "escape", "back to the article list"),
    _a("reader.quit", "q", "quit"),
    # the review list (a reviewer's first screen)
    _a("review_list.cursor_down", "j,down", "next article"),
    _a("review_list.cursor_up", "k,up", "previous article"),
    _a("review_list.cursor_page_down", "pagedown", "a page down"),
    _a("review_list.cursor_page_up", "pageup", "a page up"),
    _a("review_list.open", "enter", "review the article"),
    _a("review_list.only_conflicts", "c", "show only articles with open conflicts (again: all)"),
    _a("review_list.only_unreviewed", "r", "show only articles not yet reviewed (again: all)"),
    _a("review_list.sort", "s", "sort by agreement, lowest first (again: by id)"),
    _a("review_list.help", "question_mark", "help"),
    _a("review_list.quit", "q", "quit"),
    # the review reader (stance and claim-type keys, t and h/l/H/L edit the unit's gold claim)
    _a("review.next_conflict", "n", "next open conflict"),
    _a("review.prev_conflict", "N", "previous open conflict"),
    _a("review.next_unit", "j,down", "next unit (claim)"),
    _a("review.prev_unit", "k,up", "previous unit"),
    _a("review.next_variant", "v", "focus the next annotator's variant of the unit"),
    _a("review.pick", "enter", "pick the focused variant into gold"),
    _a("review.edit", "e", "edit: the focused variant into gold, then stance/type keys, t, h/l/H/L change it"),
    _a("review.no_claim", "x", "no claim here: every variant was wrong"),
    _a("review.rationale", "r", "give the reason for the unit's decision"),
    _a("review.accept_unanimous", "A", "accept every unanimous unit (and unanimous article labels)"),
    _a("review.extend_end", "l", "gold claim: end one word right"),
    _a("review.shrink_end", "h", "gold claim: end one word left"),
    _a("review.extend_start", "L", "gold claim: start one word left"),
    _a("review.shrink_start", "H", "gold claim: start one word right"),
    _a("review.cycle_target", "t", "gold claim: next target"),
    _a("review.labels", "a", "gold article labels"),
    _a("review.link", "g", "gold link: the focused variant's link to another article, between gold claims (again: "
       "removed)", yields=True),
    _a("review.undo", "u", "undo the last review step (a decision, an edit, a gold link)"),
    _a("review.redo", "ctrl+r", "redo"),
    _a("review.help", "question_mark", "help"),
    _a("review.back", "escape", "back to the review list"),
    _a("review.quit", "q", "quit"),
    # the compare view (issue 13)
    _a("compare.next_sentence", "j,down", "next sentence of the focused side; the other side shows its counterpart"),
    _a("compare.prev_sentence", "k,up", "previous sentence of the focused side"),
    _a("compare.next_claim", "n", "the focused side's next claim (one at a time); the other side follows"),
    _a("compare.prev_claim", "N", "the focused side's previous claim"),
    _a("compare.switch_side", "tab,shift+tab", "focus the other article"),
    _a("compare.hold", "p", "hold the other side where it is (again: follow the counterpart), to set any two "
       "sentences side by side"),
    _a("compare.link", "l", "link the claims in focus on both sides: then s same, r related, c contradicts"),
    _a("compare.undo", "u", "undo the last link made here"),
    _a("compare.help", "question_mark", "help"),
    _a("compare.back", "escape", "back to the reader (or the list)"),
    _a("compare.quit", "q", "quit"),
    # the list of similar articles (the reader's compare key)
    _a("pick.cursor_down", "j,down", "next article"),
    _a("pick.cursor_up", "k,up", "previous article"),
    _a("pick.choose", "enter", "compare with this article"),
    _a("pick.cancel", "escape,q", "close the list"),
    # the claims panel, when it has focus
    _a("claims.next_claim", "j,down", "next claim"),
    _a("claims.prev_claim", "k,up", "previous claim"),
    # the labels dialog (the values' keys come from the schema's [[labels]])
    _a("labels.next_set", "down,j,tab", "next label set (stops at the last)"),
    _a("labels.prev_set", "up,k,shift+tab", "previous label set (stops at the first)"),
    _a("labels.clear", "backspace", "clear the label set under the cursor"),
    _a("labels.close", "escape,enter,a", "close the dialog"),
    # one-line prompts: every printable character is text, so these keys are not printable ones
    _a("prompt.submit", "enter", "search: next match · note: save"),
    _a("prompt.erase", "backspace", "erase the last character"),
    _a("prompt.cancel", "escape", "close the prompt"),
    # help
    _a("help.close", "escape,q,question_mark", "close help"),
)

BY_ID: dict[str, Action] = {a.id: a for a in ACTIONS}
DEFAULT_KEYS: dict[str, tuple[str, ...]] = {a.id: a.keys for a in ACTIONS}
# keys a scope keeps for itself (a [keys] entry may not take them)
RESERVED_KEYS: dict[str, dict[str, str]] = {
    "reader": {"tab": "moving focus between panes", "shift+tab": "moving focus between panes"},
}


def in_scope(scope: str) -> list[Action]:
    return [a for a in ACTIONS if a.scope == scope]


def markdown_table(keys: dict[str, tuple[str, ...]] | None = None) -> str:
    """The README's key table: one row per action, in table order."""
    from .keys import key_label

    keys = keys or DEFAULT_KEYS
    rows = ["| where | keys | action | id (for `[keys]`) |", "|---|---|---|---|"]
    for a in ACTIONS:
        shown = key_label(keys[a.id]).replace("|", "\\|")
        rows.append(f"| {SCOPES[a.scope]} | {shown} | {a.description} | `{a.id}` |")
    return "\n".join(rows)
