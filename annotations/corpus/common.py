"""What the file readers share: decoding, normalising, and the checks on ids and titles.

A reader raises ``RefusedInput(reason, line)`` for input it refuses; ``walk.py`` turns that into a
``Refusal`` naming the file.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

from ..errors import RefusedInput as Bad
from ..text.display import escaped, strip_controls
from ..text.normalize import has_controls, normalize_text

SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md", ".jsonl": "jsonl"}
TITLE_MAX = 200
_SURROGATE = re.compile("[\ud800-\udfff]")  # lone surrogates (from JSON "\\ud800"): not storable as UTF-8


# -- decoding ---------------------------------------------------------------------------------------

def check_binary(data: bytes) -> None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Bad("UTF-16/UTF-32 text, not UTF-8 (save it as UTF-8)")
    nul = data.find(b"\x00")
    if nul != -1:
        raise Bad(f"binary file (NUL byte at byte offset {nul})")


def decode(data: bytes, base: int = 0) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.start + 1].hex()
        raise Bad(f"not UTF-8 (byte 0x{bad} at byte offset {base + exc.start})") from None


def text_of(raw: str, empty: str = "empty file") -> tuple[str, int]:
    text, removed = normalize_text(raw)
    if not text.strip():
        raise Bad(f"{empty} (nothing but whitespace or control characters)" if raw.strip() else empty)
    bad = _SURROGATE.search(text)
    if bad:
        raise Bad(f"text is not valid Unicode (lone surrogate U+{ord(bad.group()):04X} at offset {bad.start()})")
    return text, removed


def clean_str(value: str) -> str:
    return _SURROGATE.sub("\ufffd", normalize_text(value)[0])


def clean_title(title: str) -> str:
    title = " ".join(clean_str(strip_controls(title)).split())
    return title if len(title) <= TITLE_MAX else title[:TITLE_MAX - 1].rstrip() + "\u2026"


def first_line(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return clean_title(line)
    return ""


def clean_id(value: Any, what: str = "id") -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise Bad(f"{what} must be a string, not {type(value).__name__}")
    ident = str(value).strip()
    if not ident:
        raise Bad(f"{what} is empty")
    if has_controls(ident) or "\n" in ident or "\t" in ident:
        raise Bad(f"{what} {escaped(ident)!r} contains control characters")
    return escaped(ident) if _SURROGATE.search(ident) else ident


def jsonable(value: Any) -> Any:
    """YAML values as JSON: dates and times as ISO strings, control characters removed from strings."""
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, str):
        return clean_str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # NaN / infinity are not JSON
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, dict):
        return {clean_str(str(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(v) for v in value), key=repr)
    if isinstance(value, bytes):
        return value.hex()
    return clean_str(str(value))
