"""The one gate between stored strings and a terminal: every string that came from a file (article
text, titles, ids, annotator names, notes, targets, paths) is drawn or printed through here.

One set of characters is unsafe (``UNSAFE``): C0 controls (LF aside), DEL, the C1 range, bidi and
format controls that reorder a line, U+2028/U+2029 and ZWJ (terminals disagree on its width). How
they are made harmless depends on where the string goes:

- ``display_text``: in the app's text view, one code point for one (offsets stay valid): control
  pictures (ESC -> U+241B) for C0 and DEL, U+FFFD for the rest, TAB a space, LF kept;
- ``display_safe``: the same on one line (LF and CR become a space): titles, ids, names, notes;
- ``escaped``: in CLI output and messages, as backslash escapes (``\\x1b``) a person can read back;
- ``strip_controls``: removed, for text a user typed or pasted that is about to be stored.
"""

from __future__ import annotations

import re

_EXTRA = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029\u200d"
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f" + _EXTRA + "]")
_UNSAFE_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f" + _EXTRA + "]")


def _make_table() -> dict[int, str]:
    table: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20) if c != 0x0A}
    table[0x09] = " "
    table[0x7F] = "\u2421"
    for c in range(0x80, 0xA0):
        table[c] = "\ufffd"
    for ch in _EXTRA:
        table[ord(ch)] = "\ufffd"
    return table


SAFE_TABLE = _make_table()
"""str.translate table: unsafe characters -> visible 1-cell placeholders, TAB -> space (LF absent)."""
_ONE_LINE_TABLE = {**SAFE_TABLE, 0x0A: " ", 0x0D: " "}


def display_text(text: str) -> str:
    """The text as drawn in the app: same length, unsafe characters replaced by placeholders (LF kept)."""
    if not UNSAFE.search(text):
        return text
    return text.translate(SAFE_TABLE)


def display_safe(text: str) -> str:
    """A stored string on one line of the app: same length, no unsafe character, no line break."""
    if not _UNSAFE_ONE_LINE.search(text):
        return text
    return text.translate(_ONE_LINE_TABLE)


def is_safe(shown: str) -> bool:
    """True if ``shown`` holds no character that ``display_text`` would replace (LF is fine; TAB is not)."""
    return UNSAFE.search(shown) is None


_LONE_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")  # not an undecodable byte (surrogateescape)


def escaped(text: str) -> str:
    """A string for CLI output: unsafe characters (and undecodable bytes) as backslash escapes."""
    text = _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)  # from JSON "\ud800"
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")  # undecodable bytes
    if not _UNSAFE_ONE_LINE.search(text) and text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in text)


def strip_controls(text: str) -> str:
    """Typed or pasted text about to be stored (a note, a query): line breaks become spaces, every
    other unsafe character (TAB aside) is removed."""
    return _UNSAFE_ONE_LINE.sub(lambda m: "\t" if m.group() == "\t" else "",
                                text.replace("\r", " ").replace("\n", " "))


def strip_controls_md(text: str) -> str:
    """Markdown (guidelines) without unsafe characters, keeping its line breaks."""
    return "\n".join(strip_controls(line) for line in text.replace("\r\n", "\n").split("\n"))


def counted(n: int, one: str, many: str) -> str:
    """``n`` with its noun: "1 match", "2 matches" (every count a person reads goes through here)."""
    return f"{n} {one if n == 1 else many}"


def both_ends(text: str, width: int) -> str:
    """``text`` on one line (``display_safe``, runs of spaces as one) in at most ``width`` cells: when it is
    longer, its start and its end with the middle elided ("To hinder China's … in chips"), so claims that
    start alike (overlapping variants of one claim) still differ where they end."""
    from rich.cells import cell_len

    text = display_safe(" ".join(text.split()))
    if cell_len(text) <= width:
        return text
    if width < 5:
        return text[:max(0, width - 1)] + "…"
    room = width - 1
    head, tail = "", ""
    i, j = 0, len(text)
    while i < j:  # three cells of the start for two of the end
        take_head = cell_len(head) * 2 <= cell_len(tail) * 3
        ch = text[i] if take_head else text[j - 1]
        if cell_len(head) + cell_len(tail) + cell_len(ch) > room:
            break
        if take_head:
            head, i = head + ch, i + 1
        else:
            tail, j = ch + tail, j - 1
    return head.rstrip() + "…" + tail.lstrip()
