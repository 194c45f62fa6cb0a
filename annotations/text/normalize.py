"""Text normalisation, done once when an article is added.

Rules, in this order (the stored text is the result; every offset indexes into it):
- CRLF and lone CR become LF;
- control characters other than LF and TAB are *removed*: C0 (0x00-0x1f),
  DEL (0x7f), the C1 range (0x80-0x9f), and the bidi/format controls that
  can reorder what a terminal shows (U+200E/F, U+202A-202E, U+2066-2069).
  The number removed is recorded on the article (``removed_controls``), so an
  importer can tell the text was cleaned. Removing them (rather than mapping
  them to visible symbols) keeps the stored text identical to what a
  consumer of the dataset will see, and nothing can ever reach the terminal.
- leading BOMs (U+FEFF) are removed;
- Unicode NFC, last: removing a control between a letter and a combining
  mark after NFC would leave text that is not NFC.
The result is a fixed point: normalising it again changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def normalize_text(raw: str) -> tuple[str, int]:
    """Return (normalised text, number of control characters removed)."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text, removed = _CONTROL.subn("", text)
    text = text.lstrip("\ufeff")
    return unicodedata.normalize("NFC", text), removed


def remove_controls(text: str) -> str:
    """The control characters ``normalize_text`` removes, removed (CR LF as LF); nothing else changed."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def has_controls(text: str) -> bool:
    return _CONTROL.search(text) is not None
