"""The one gate for strings and values that come from a file (an article file, an imported record):
every reader (``corpus/``, ``formats/records.py``) passes each field through here before it is stored.

- ``ident``: ids and names (article ids, annotators, claim ids, label names, types, stances): a string
  (a whole number is taken as its digits), not blank, no control, bidi or line-break character
  (``display.UNSAFE``), no lone surrogate, at most ``max_len`` characters. Refused otherwise: an id is
  never silently changed, or two files would name different articles the same.
- ``line_text``: free text on one line (titles, targets, notes): control characters removed
  (``display.strip_controls``), a lone surrogate refused; otherwise as given (not NFC-normalised:
  an export imported back must be the same).
- ``json_value``: nested values (``meta``): at most ``MAX_DEPTH`` levels and ``MAX_VALUES`` values in
  all (a YAML alias bomb expands to billions), strings cleaned like ``line_text`` but keeping line
  breaks, keys as strings, non-finite numbers as strings.
- ``surrogate_problem``: a lone surrogate (JSON's ``"\\ud800"``) cannot be written as UTF-8.

A refusal is ``RefusedInput(reason)``; the caller adds the file and line.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

from ..errors import RefusedInput
from .display import display_safe, escaped, strip_controls
from .normalize import remove_controls

MAX_DEPTH = 32
MAX_VALUES = 10_000
MAX_ID = 200
MAX_NAME = 60  # an annotator's name: it also names the annotator's log file (255 bytes at most)
_SURROGATE = re.compile("[\ud800-\udfff]")


def surrogate_problem(text: str, what: str) -> str | None:
    bad = _SURROGATE.search(text)
    if bad is None:
        return None
    return f"{what} is not valid Unicode (lone surrogate U+{ord(bad.group()):04X} at offset {bad.start()})"


def _no_surrogate(text: str, what: str) -> str:
    problem = surrogate_problem(text, what)
    if problem:
        raise RefusedInput(problem)
    return text


def ident(value: Any, what: str, max_len: int = MAX_ID) -> str:
    """An id or name from a file, or ``RefusedInput``."""
    if isinstance(value, str) and value.isascii() and value.isprintable() and 0 < len(value) <= max_len \
            and value[0] != " " and value[-1] != " ":
        return value  # the usual case, at import speed: printable ASCII has nothing to refuse
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise RefusedInput(f"{what} must be a string, not {type(value).__name__}")
    text = _no_surrogate(str(value), what).strip()
    if not text:
        raise RefusedInput(f"{what} is empty")
    if display_safe(text) != text:  # the terminal gate's own rule of what may not be shown
        raise RefusedInput(f"{what} '{escaped(text)[:80]}' contains control characters")
    if len(text) > max_len:
        raise RefusedInput(f"{what} is longer than {max_len} characters")
    return text


def line_text(value: Any, what: str) -> str:
    """Free text on one line from a file: control characters removed; not a string: refused."""
    if not isinstance(value, str):
        raise RefusedInput(f"{what} is not a string")
    if value.isascii() and value.isprintable():
        return value  # nothing to remove
    # not NFC-normalised: an import must give back what it got; a TAB is a space on one line
    return strip_controls(_no_surrogate(value, what)).replace("\t", " ")


def _clean_str(value: str, what: str) -> str:
    """Controls removed, line breaks kept (CR LF as LF), not NFC-normalised (see ``line_text``)."""
    text = _no_surrogate(value, what)
    return text if text.isascii() and text.isprintable() else remove_controls(text)


def json_value(value: Any, what: str) -> Any:
    """A nested value from a file as plain JSON (see the module docstring), or ``RefusedInput``."""
    count = [0]

    def walk(v: Any, depth: int) -> Any:
        count[0] += 1
        if count[0] > MAX_VALUES:
            raise RefusedInput(f"{what} holds more than {MAX_VALUES:,} values (a YAML alias bomb?)")
        if depth > MAX_DEPTH:
            raise RefusedInput(f"{what} is nested more than {MAX_DEPTH} levels deep")
        if isinstance(v, str):
            return _clean_str(v, what)
        if v is None or isinstance(v, (bool, int)):
            return v
        if isinstance(v, float):
            return v if math.isfinite(v) else str(v)  # NaN / infinity are not JSON
        if isinstance(v, (_dt.date, _dt.time)):
            return v.isoformat()
        if isinstance(v, dict):
            return {_clean_str(str(k), what): walk(x, depth + 1) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [walk(x, depth + 1) for x in v]
        if isinstance(v, (set, frozenset)):
            return sorted((walk(x, depth + 1) for x in v), key=repr)
        if isinstance(v, bytes):
            return v.hex()
        return _clean_str(str(v), what)

    return walk(value, 0)
