"""What the file readers share: decoding, normalising, and the checks on ids and titles.

A reader raises ``RefusedInput(reason, line)`` for input it refuses; ``walk.py`` turns that into a
``Refusal`` naming the file.
"""

from __future__ import annotations

from ..errors import RefusedInput as Bad
from ..text.fields import surrogate_problem
from ..text.normalize import normalize_text
from ..text.titles import TITLE_MAX, clean_title, first_line  # noqa: F401 (the readers' names for them)

SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md", ".jsonl": "jsonl"}


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
