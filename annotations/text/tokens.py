"""A tokenizer that cuts typical English text where spaCy's English tokenizer does.

Used for the ``tokens`` / ``token_start`` / ``token_end`` of the spacy (Prodigy) export,
without importing spaCy (a test extra, slow to load). Rules from spacy/lang/punctuation.py
and the English tokenizer exceptions, reduced to what news text needs; on the seed articles
the tokens are identical to ``spacy.blank("en")``'s (tests/test_interop.py).
"""

from __future__ import annotations

import re
import unicodedata

_QUOTES = "'\"”“`‘´’‚,„»«「」『』（）〔〕【】《》〈〉⟦⟧"
_PUNCT = ",:;!?¿؟¡()[]{}<>_#*&。？！，、；：～·।،۔؛٪"
_CURRENCY = "$£€¥฿₽₹₩"
_PREFIX_CHARS = set(_QUOTES + _PUNCT + _CURRENCY + "§%=—–…")
_SUFFIX_CHARS = set(_QUOTES + _PUNCT + "—–…")
_ABBREV = {"mr.", "mrs.", "ms.", "dr.", "prof.", "inc.", "corp.", "ltd.", "co.", "jr.", "sr.", "st.", "vs.",
           "etc.", "gov.", "gen.", "sen.", "rep.", "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.",
           "sep.", "sept.", "oct.", "nov.", "dec.", "no.", "mt.", "ft.", "dept.", "est.", "fig.", "approx.",
           "ph.d."}
_UNITS = ("km", "kg", "cm", "mm", "mg", "ml", "mph", "lbs", "lb", "g", "m")
_ABBREV_RE = re.compile(r"(?:[^\W\d_]\.){2,}|[A-Z]\.")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+")
_CONTRACTION = re.compile(r"(?i)(.+?)(n['’]t|['’](?:m|re|ve|ll|d))")
_HYPHENS = ("---", "--", "——", "-", "–", "—", "~")


def _special(s: str) -> list[str] | None:
    if s.lower() in _ABBREV or _ABBREV_RE.fullmatch(s) or _URL_RE.fullmatch(s):
        return [s]
    if s.lower() == "cannot":
        return [s[:3], s[3:]]
    m = _CONTRACTION.fullmatch(s)
    if m and m.group(1).isalpha():
        return [m.group(1), m.group(2)]
    return None


def _icon(ch: str) -> bool:
    return ch != "°" and unicodedata.category(ch) == "So"


def _prefix_len(s: str) -> int:
    if s.startswith(".."):
        return len(s) - len(s.lstrip("."))
    if s[0] in _PREFIX_CHARS or _icon(s[0]) or (s[0] == "+" and not s[1:2].isdigit()):
        return 1
    return 0


def _suffix_len(s: str) -> int:
    if s.endswith(".."):
        return len(s) - len(s.rstrip("."))
    if len(s) > 2 and s[-2] in "'’" and s[-1] in "sS":
        return 2
    last, before = s[-1], s[-2:-1]
    if last in _SUFFIX_CHARS or _icon(last):
        return 1
    for unit in _UNITS:
        if s.endswith(unit) and s[-len(unit) - 1:-len(unit)].isdigit():
            return len(unit)
    if before and before.isdigit() and (last == "+" or last in _CURRENCY or last == "%"):
        return 1
    if last == "." and before and (before.islower() or before.isdigit() or before in "%²-+" or
                                   before in _SUFFIX_CHARS or (s[-3:-2].isupper() and before.isupper())):
        return 1
    return 0


def _infix_cuts(s: str) -> list[tuple[int, int]]:
    cuts, i, n = [], 1, len(s)
    while i < n - 1:
        a, ch, b = s[i - 1], s[i], s[i + 1]
        width = 0
        if ch == "." and s[i:i + 2] == "..":
            width = len(s[i:]) - len(s[i:].lstrip("."))
        elif ch == "…" or _icon(ch):
            width = 1
        elif a.isdigit() and ch in "+-*^" and (b.isdigit() or b == "-"):
            width = 1
        elif ch == "." and a.islower() and b.isupper():
            width = 1
        elif ch == "," and a.isalpha() and b.isalpha():
            width = 1
        elif (a.isalpha() or a.isdigit()) and ch in ":<>=/" and b.isalpha():
            width = 1
        elif a.isalpha() or a.isdigit():
            for h in _HYPHENS:
                if s.startswith(h, i) and s[i + len(h):i + len(h) + 1].isalpha():
                    width = len(h)
                    break
        if width:
            cuts.append((i, i + width))
            i += width
        else:
            i += 1
    return cuts


def _split_word(s: str, base: int, out: list[tuple[int, int]]) -> None:
    """Split one whitespace-free chunk at ``base`` the way spaCy's affix rules do."""
    lo, hi = 0, len(s)
    prefixes: list[tuple[int, int]] = []
    suffixes: list[tuple[int, int]] = []
    while lo < hi and _special(s[lo:hi]) is None:
        pre = _prefix_len(s[lo:hi])
        if pre and lo + pre < hi and _special(s[lo + pre:hi]) is not None:
            prefixes.append((lo, lo + pre))
            lo += pre
            break
        suf = _suffix_len(s[lo + pre:hi]) if lo + pre < hi else 0
        if suf and _special(s[lo:hi - suf]) is not None and hi - suf > lo:
            suffixes.append((hi - suf, hi))
            hi -= suf
            break
        if not pre and not suf:
            break
        if pre:
            prefixes.append((lo, lo + pre))
            lo += pre
        if suf and lo < hi - suf:
            suffixes.append((hi - suf, hi))
            hi -= suf
    pieces = list(prefixes)
    if lo < hi:
        core = s[lo:hi]
        special = _special(core)
        if special is not None:
            pos = lo
            for part in special:
                pieces.append((pos, pos + len(part)))
                pos += len(part)
        else:
            pos = lo
            for a, b in _infix_cuts(core):
                if lo + a > pos:
                    pieces.append((pos, lo + a))
                pieces.append((lo + a, lo + b))
                pos = lo + b
            if pos < hi:
                pieces.append((pos, hi))
    pieces.extend(reversed(suffixes))
    out.extend((base + a, base + b) for a, b in pieces)


def tokenize(text: str) -> list[tuple[int, int]]:
    """(start, end) of each token, as spaCy's English tokenizer cuts typical text.

    Whitespace as spaCy treats it: one space after a token belongs to that token (``ws``);
    any other run of whitespace is a token of its own."""
    out: list[tuple[int, int]] = []
    for m in re.finditer(r"\s+|\S+", text):
        s, e = m.span()
        if not m.group().isspace():
            _split_word(m.group(), s, out)
            continue
        if text[s] == " " and out:
            s += 1
        if s < e:
            out.append((s, e))
    return out
