"""Typing a query with priority bindings, for screens that must not lose keys typed ahead.

A Textual ``Input`` takes its keys from its own message queue, after the app has already
resolved the (priority) bindings of keys typed later in the same burst; so "hsbc" then Escape
could close the search before the query was typed. Screens that edit a query bind every
printable character as a priority binding instead and keep the query themselves.
"""

from __future__ import annotations

import string

from textual.binding import BindingsMap
from textual.keys import _character_to_key

QUERY_CHARACTERS = string.ascii_letters + string.digits + " .,-'\":;!()&_?/%$#@+=*<>[]{}"


def bind_query_keys(bindings: BindingsMap, action: str = "character") -> None:
    """Bind each query character to ``action(ch)`` as a priority binding."""
    for ch in QUERY_CHARACTERS:
        bindings.bind(_character_to_key(ch), f"{action}({ch!r})", show=False, priority=True)


def key_of(ch: str) -> str:
    return _character_to_key(ch)
