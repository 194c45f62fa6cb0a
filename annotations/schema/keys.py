"""Key names in the schema: normalising and checking a key a schema names, and showing one.

Key names are Textual key names ("j", "L", "down", "ctrl+r", "slash"); a single punctuation
character is accepted and stored under its Textual name ("/" -> "slash"), as Textual's bindings do.
This module never imports textual.
"""

from __future__ import annotations

import unicodedata

_NAMED_KEYS = {"escape", "enter", "return", "tab", "space", "backspace", "left", "right", "up", "down",
               "home", "end", "insert", "delete", "pageup", "pagedown"} | {f"f{i}" for i in range(1, 25)}
_MODIFIERS = ("ctrl", "alt", "shift", "meta", "super", "hyper")
# Textual's friendlier names for some characters (textual.keys.KEY_NAME_REPLACEMENTS).
_CHAR_NAMES = {"solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at",
               "hyphen_minus": "minus", "plus_sign": "plus", "low_line": "underscore"}
_NAME_CHARS = {v: k for k, v in _CHAR_NAMES.items()}


def normalize_key(key: str) -> str:
    """A key as Textual names it: "/" -> "slash", " " -> "space"; other keys unchanged."""
    if len(key) > 1 and "+" in key:
        prefix, _, base = key.rpartition("+")
        return f"{prefix}+{normalize_key(base)}" if len(base) == 1 else key
    if len(key) != 1 or key.isalnum():
        return key
    if key == " ":
        return "space"
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return key
    return _CHAR_NAMES.get(name, name)


def key_problem(key: str) -> str | None:
    """Why ``key`` (already normalised) is not a usable Textual key name, or None if it is."""
    if len(key) == 1:
        return None if key.isprintable() else f"key {key!r} is not a printable character"
    *mods, base = key.split("+")
    if any(m not in _MODIFIERS for m in mods) or len(set(mods)) != len(mods):
        return f"key {key!r}: modifiers are {', '.join(_MODIFIERS)}, each once, joined by '+'"
    if mods and len(base) == 1 and base.isupper():
        return f"key {key!r}: use a lowercase letter after a modifier (e.g. {'+'.join(mods)}+shift+{base.lower()})"
    if len(base) == 1 and (mods or base.isprintable()) or base in _NAMED_KEYS:
        return None
    unicode_name = _NAME_CHARS.get(base, base).replace("_", " ").upper()
    try:
        if len(unicodedata.lookup(unicode_name)) == 1 and base == base.lower():
            return None
    except KeyError:
        pass
    return (f"key {key!r} is not a key name (use one character, or a name such as "
            "down, escape, f1, slash, ctrl+r)")


_KEY_LABELS = {"slash": "/", "question_mark": "?", "escape": "Esc", "down": "↓", "up": "↑", "left": "←",
               "right": "→", "enter": "Enter", "tab": "Tab", "shift+tab": "Shift+Tab", "backspace": "Backspace",
               "pageup": "PgUp", "pagedown": "PgDn", "home": "Home", "end": "End", "space": "Space"}


def key_label(keys: str | tuple[str, ...] | list[str]) -> str:
    """Keys as a person reads them: ``("slash",)`` -> "/", ``("j", "down")`` -> "j / ↓"."""
    parts = keys.split(",") if isinstance(keys, str) else list(keys)
    out = []
    for k in (p.strip() for p in parts):
        if k in _KEY_LABELS:
            out.append(_KEY_LABELS[k])
        elif k.startswith("ctrl+"):
            out.append("Ctrl+" + k[5:].upper())
        else:
            name = _NAME_CHARS.get(k, k)
            try:
                named = len(k) > 1 and "+" not in k and k not in _NAMED_KEYS
                out.append(unicodedata.lookup(name.replace("_", " ").upper()) if named else k)
            except KeyError:
                out.append(k)
    return " / ".join(out)
