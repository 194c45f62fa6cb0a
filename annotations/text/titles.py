"""The title an article gets: a title a file gives goes through ``clean_title`` (the same gate as every
one-line field: ``fields.line_text``, normalised, at most ``TITLE_MAX`` characters); without one, the first
line of its text (``first_line``), as every reader of articles and every import takes it (one rule: a
section label such as "Us News" above a headline is not the title)."""

from __future__ import annotations

from .fields import line_text
from .normalize import normalize_text

TITLE_MAX = 200


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
