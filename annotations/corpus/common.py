"""What the file readers share: decoding, normalising, and the checks on ids and titles.

A reader raises ``RefusedInput(reason, line)`` for input it refuses; ``walk.py`` turns that into a
``Refusal`` naming the file.
"""

from __future__ import annotations

from ..errors import RefusedInput as Bad
from ..text.fields import line_text, surrogate_problem
from ..text.normalize import normalize_text

SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md", ".jsonl": "jsonl"}
TITLE_MAX = 200


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
    problem = surrogate_problem(raw, "text")
    if problem:
        raise Bad(problem)
    text, removed = normalize_text(raw)
    if not text.strip():
        raise Bad(f"{empty} (nothing but whitespace or control characters)" if raw.strip() else empty)
    return text, removed


def clean_title(title: str) -> str:
    title = " ".join(normalize_text(line_text(title, "title"))[0].split())
    return title if len(title) <= TITLE_MAX else title[:TITLE_MAX - 1].rstrip() + "\u2026"


def first_line(text: str) -> str:
    """The title a text gives itself: its first non-empty line, unless that is a section label ("Us News":
    three words at most, no sentence punctuation) standing above a headline (a longer line of at most 25
    words that does not end like a sentence: a first paragraph is no headline)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return ""
    if len(lines) > 1 and _section_label(lines[0]) and _headline(lines[1], len(lines[0].split())):
        return clean_title(lines[1])
    return clean_title(lines[0])


def _headline(line: str, longer_than: int) -> bool:
    return longer_than < len(line.split()) <= 25 and not line.rstrip("*”\"'’ ").endswith((".", "。"))


def _section_label(line: str) -> bool:
    words = line.split()
    return len(words) <= 3 and len(line.strip()) <= 25 and not any(ch in line for ch in ".!?:;,\"“”")
