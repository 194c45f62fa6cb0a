"""Where claims are cut inside a sentence: words, clauses and quoted parts, as plain functions over the text
(the annotator's reader and the review reader both cut claims with these).

- ``WORD``: a word for the word keys; ``word_step`` moves one side of a span by a word. Brackets and quotes are words of their own, so ``】"Chinese`` is three
  (the start can land on "Chinese"); an apostrophe between letters stays inside (``China's``).
- ``clauses(text, start, end)``: the clauses of ``text[start:end]``, cut after a comma, semicolon, colon or
  dash, before an opening or after a closing quote or bracket (【...】), and before "that" / "which" following a
  reporting verb ("said that ..."). Each clause is trimmed of spaces, of the separator and of a sentence's
  final stop. A parenthesis stays inside its clause.
- ``quoted(text, start, end)``: the quoted parts ("...", “...”, 「...」, ...), without their quotes.
- ``to_character(text, start, end, side, ch)``: one side moved forward to a typed character (vim's t and f).
"""

from __future__ import annotations

import re

OPEN_CLOSE = {'"': '"', "“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉", "【": "】", "(": ")"}
_BRACKETS = "【】「」『』《》〈〉“”\"‘’'()\\[\\]{}"
WORD = re.compile(rf"(?:[^\s{_BRACKETS}]|(?<=\w)[’'](?=\w))+|[{_BRACKETS}]")
_REPORTING = r"(?:said|says|say|told|tells|reported|reports|wrote|writes|stated|states|claimed|claims|argued|" \
             r"argues|added|adds|noted|notes|warned|warns|believes|believe|thinks|think|insisted|insists)"
_CUT = re.compile(rf"(?P<open>[“「『《〈【]|(?:(?<=^)|(?<=[\s】(]))\")|[,;:，；：、]|\s[—–-]\s|—|[”」』》〉】\"]"
                  rf"|\b{_REPORTING}\s+(?=(?:that|which)\b)")  # an ASCII " opens after a space or bracket
_TRIM = " \t\n,;:，；：、—–-"
_TRIM_END = _TRIM + ".!?。！？"  # a clause cut out of a sentence does not end it


def word_step(text: str, start: int, end: int, side: str, words: int) -> tuple[int, int]:
    """``start``-``end`` with one side (``"start"`` or ``"end"``) moved by a ``WORD``: wider (``words`` > 0)
    or narrower, never empty. Searches near the span only (no word list of the whole text)."""
    if side == "end":
        if words > 0:
            m = WORD.search(text, end)  # from inside a word: to that word's end
            return (start, m.end()) if m else (start, end)
        ends = [m.end() for m in WORD.finditer(text, start, end) if m.end() < end]
        return (start, ends[-1]) if ends else (start, end)
    if words > 0:
        starts = [m.start() for m in WORD.finditer(text, max(0, start - 400), start)]
        return (starts[-1], end) if starts else (start, end)
    later = [m.start() for m in WORD.finditer(text, start, end) if m.start() > start]
    return (later[0], end) if later else (start, end)


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The clauses of ``text[start:end]`` in text order (at least one: the whole span, trimmed)."""
    cuts = [start]
    for m in _CUT.finditer(text, start, end):
        cuts.append(m.start() if m.group("open") else m.end())  # before an opening quote, else after
    cuts.append(end)
    out: list[tuple[int, int]] = []
    for a, b in zip(cuts, cuts[1:]):
        a, b = _trimmed(text, a, b)
        if b > a and (not out or out[-1] != (a, b)):
            out.append((a, b))
    return out or [(start, end)]


def quoted(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The quoted parts inside ``text[start:end]``, without the quotes (a quote left open runs to ``end``)."""
    out: list[tuple[int, int]] = []
    i = start
    while i < end:
        ch = text[i]
        close = OPEN_CLOSE.get(ch)
        if close is not None and ch not in "(【":
            j = text.find(close, i + 1, end)
            j = end if j < 0 else j
            a, b = _trimmed(text, i + 1, j)
            if b > a:
                out.append((a, b))
            i = j + 1
        else:
            i += 1
    return out


def _trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in _TRIM:
        a += 1
    while b > a and text[b - 1] in _TRIM_END:
        b -= 1
    return a, b


def to_character(text: str, start: int, end: int, side: str, ch: str) -> tuple[int, int] | None:
    """``start``-``end`` with one side moved to a character, as vim's ``t`` and ``f`` from the start of the span:
    ``"end"``: the end just before the first ``ch`` after the start (spaces before ``ch`` left out), which
    trims a sentence or widens a short span; when the end is there already, the ``ch`` after it. ``"start"``:
    the start onto the next ``ch`` inside the span. None when there is no such ``ch`` (within 20,000
    characters)."""
    if not ch:
        return None
    if side == "start":
        i = text.find(ch, start + 1, end)
        return None if i < 0 else (i, end)
    i = start
    while True:
        i = text.find(ch, i + 1, start + 20_000)
        if i < 0:
            return None
        j = i
        while j > start + 1 and text[j - 1].isspace():
            j -= 1
        if j != end:
            return start, j
