"""Every binding of every screen and focusable widget, built from the one action table
(``annotations/schema/actions.py``) as the schema's ``[keys]`` remaps it.

This is the only module that touches Textual's private binding API (``node._bindings``,
``textual.keys._character_to_key``): a Textual upgrade that changes it is mended here alone.

Screens' bindings are *priority* bindings: Textual resolves them the moment a key arrives, in order,
so keys typed ahead while a screen is being pushed act on that screen. Where a screen takes typed
text (the list's filter, the prompts) every printable ASCII character is a priority binding of its
own (``bind_text_keys``); the list's printable command keys (j, k, q, ?, /) are then looked up by
``printable_commands`` while no filter is being typed.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import _character_to_key

from annotations.schema import BY_ID, DEFAULT_KEYS, Schema

Keymap = Mapping[str, tuple[str, ...]]  # action id -> keys

TEXT_CHARACTERS = string.ascii_letters + string.digits + " .,-'\":;!()&_?/%$#@+=*<>[]{}"
PRINTABLE_KEYS = frozenset(_character_to_key(ch) for ch in string.printable if ch not in "\t\n\r\x0b\x0c")


def key_of(ch: str) -> str:
    """The Textual key name of a character ("/" -> "slash")."""
    return _character_to_key(ch)


def is_printable(key: str) -> bool:
    """A key that types a character (and so is text where a screen takes text)."""
    return key in PRINTABLE_KEYS or (len(key) == 1 and key.isprintable())


def keymap_of(node: DOMNode) -> Keymap:
    """The app's keymap (its schema's), or the defaults for an app without a schema (widget tests)."""
    schema: Schema | None = getattr(node.app, "schema", None)
    return schema.keys if schema is not None else DEFAULT_KEYS


def _add(node: DOMNode, key: str, action: str, description: str, id_: str | None, priority: bool) -> None:
    """Bind ``key`` on ``node`` ahead of what the node's classes bound to it (ScrollView's own arrows)."""
    table = node._bindings.key_to_bindings
    table[key] = [Binding(key, action, description, show=False, priority=priority, id=id_), *table.get(key, [])]


def bind_scope(node: DOMNode, keymap: Keymap, scope: str, *, names: tuple[str, ...] | None = None,
               prefix: str = "", priority: bool = True, printable: bool = True) -> None:
    """Bind the actions of ``scope`` (only ``names``, if given) on ``node``: key -> ``prefix + name``.

    ``printable=False`` leaves printable keys out (a screen that takes text looks them up itself)."""
    for action_id, keys in keymap.items():
        action = BY_ID[action_id]
        if action.scope != scope or (names is not None and action.name not in names):
            continue
        for key in keys:
            if printable or not is_printable(key):
                _add(node, key, prefix + action.name, action.description, action_id, priority)


def printable_commands(keymap: Keymap, scope: str) -> dict[str, str]:
    """{printable key: action name} of ``scope``: commands a text-taking screen runs when not typing."""
    return {key: BY_ID[a].name for a, keys in keymap.items() if BY_ID[a].scope == scope
            for key in keys if is_printable(key)}


def bind_text_keys(node: DOMNode, action: str = "character") -> None:
    """Each printable ASCII character as a priority binding ``action(ch)``: typed text, in order."""
    for ch in TEXT_CHARACTERS:
        _add(node, key_of(ch), f"{action}({ch!r})", "", None, True)


def bind_reader_choices(node: DOMNode, schema: Schema) -> None:
    """A stance's key tags the selection with it (one keystroke); a claim type's key sets the type."""
    for i, choice in enumerate(schema.stances):
        _add(node, choice.key, f"tag({i})", f"tag as {choice.name}", None, True)
    for i, choice in enumerate(schema.claim_types):
        _add(node, choice.key, f"set_type({i})", f"type {choice.name}", None, True)


def bind_indexed(node: DOMNode, keys: list[str], action: str) -> None:
    """Key ``keys[i]`` -> ``action(i)`` (the labels dialog's value keys)."""
    for i, key in enumerate(keys):
        _add(node, key, f"{action}({i})", "", None, True)


async def run_priority_binding(app: App[object], key: str) -> bool:
    """Run the priority binding ``key`` has in the current screen stack, if any (True if one ran)."""
    return await app._check_bindings(key, priority=True)
