"""Sentence boundaries as code-point offsets into the stored article text.

- A newline is always a boundary (news text is one paragraph per line).
- Within a line, sentencex proposes sentences; each is located in the line with
  ``str.find`` from the running position. A located segment's start is a cut
  point; text between cut points, stripped of whitespace, is a sentence.
  Whatever the segmenter drops or
  alters therefore stays inside the previous sentence, and a segment that
  cannot be found ends the cutting (the rest of the line is one sentence).
- Lines longer than ``MAX_CHUNK`` characters are first cut at a likely sentence
  end (else ". ", CJK full stops, whitespace, else hard) near that length, to
  bound the cost of one call on pathological input.

sentencex replaced pysbd: it splits 1 MB of news text in ~25 ms where pysbd took ~4 s, so every
article's sentences are ready before its first frame. On the seed articles it agrees with pysbd on
every boundary but two, both pysbd mistakes ("Co.’s Qwen" and "(MENAFN) The U.S." cut mid-sentence).

Invariants (property-tested): spans are in order, non-overlapping, non-empty,
have no leading or trailing whitespace, and every non-whitespace character
of the text is inside exactly one span.

Spans are cached per text SHA-256 under ``STORE/cache/sentences/``; a cache
file that does not validate against the text is recomputed.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from pathlib import Path

from ..errors import StoreError
from ..fileio import FILE_MODE, atomic_write, read_regular

MAX_CHUNK = 20_000  # characters of one line given to the segmenter at once
CACHE_VERSION = 2  # bump when the splitting rules change: old cache files are then recomputed (1: pysbd)

Span = tuple[int, int]

# a likely sentence end inside a long line: a full stop after two lower-case letters, then a capital
_SAFE_CUT = re.compile(r"(?<=[a-z][a-z][.!?])[ \t]+(?=[\"\u201c(]?[A-Z])")


def _cut_in(line: str, lo: int, hi: int) -> int:
    """Where to cut ``line`` within [lo, hi): a likely sentence end, else ". ", else whitespace; -1 if none."""
    last = None
    for last in _SAFE_CUT.finditer(line, lo, hi):
        pass
    if last is not None:
        return last.start()
    dot = line.rfind(". ", lo, hi)
    if dot != -1:
        return dot + 1  # keep the full stop with its sentence
    cjk = max(line.rfind(p, lo, hi) for p in "\u3002\uff01\uff1f")  # 。！？
    if cjk != -1:
        return cjk + 1
    for i in range(hi - 1, lo - 1, -1):
        if line[i].isspace():
            return i
    return -1


def _chunks(line: str, limit: int | None = None) -> list[tuple[int, int]]:
    """Cut a line into pieces of at most ``limit`` characters (bounds one segmenter call)."""
    limit = limit or MAX_CHUNK
    pieces = []
    pos, n = 0, len(line)
    while n - pos > limit:
        cut = _cut_in(line, pos + limit // 2, pos + limit)
        if cut <= pos:
            cut = pos + limit  # no space at all (e.g. CJK without punctuation): a hard cut
        pieces.append((pos, cut))
        pos = cut
    pieces.append((pos, n))
    return pieces


def _segments(piece: str) -> list[str]:
    from sentencex import segment  # imported when first needed: start-up time is a measured goal

    try:
        return list(segment("en", piece))
    except Exception:  # the segmenter failing on odd input must not lose the text: one sentence
        return [piece]


def _cuts(piece: str) -> list[int]:
    """Offsets in ``piece`` where a sentence starts (always includes 0)."""
    cuts = [0]
    pos = 0
    for seg in _segments(piece):
        seg = seg.strip()
        if not seg:
            continue
        found = piece.find(seg, pos)
        if found == -1:  # the segmenter changed the text: the remainder is one sentence
            if pos > cuts[-1]:
                cuts.append(pos)
            break
        if found > cuts[-1]:
            cuts.append(found)
        pos = found + len(seg)
    return cuts


def _strip_span(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def sentence_spans(text: str) -> list[Span]:
    """(start, end) code-point offsets of the sentences of ``text``, in order."""
    spans: list[Span] = []
    line_start = 0
    for line in text.split("\n"):
        if line and not line.isspace():
            for lo, hi in _chunks(line):
                piece = line[lo:hi]
                if piece.isspace():
                    continue
                cuts = _cuts(piece) + [len(piece)]
                base = line_start + lo
                for a, b in zip(cuts, cuts[1:]):
                    span = _strip_span(text, base + a, base + b)
                    if span is not None:
                        spans.append(span)
        line_start += len(line) + 1
    return spans


def _valid(spans: object, text: str) -> bool:
    if not isinstance(spans, list):
        return False
    n = len(text)
    prev_end = 0
    for item in spans:
        if not (isinstance(item, list) and len(item) == 2 and all(type(v) is int for v in item)):
            return False
        s, e = item
        if not (prev_end <= s < e <= n) or text[s].isspace() or text[e - 1].isspace():
            return False
        prev_end = e
    return True


def cached_sentence_spans(folder: Path | None, sha256: str, text: str, mode: int = FILE_MODE) -> list[Span]:
    """``sentence_spans(text)``, cached at ``folder/<sha256>.json`` (``Store.sentences`` gives the folder,
    checked not to be a link; None: not cached). The cache file is read without following a link."""
    if folder is None:
        return sentence_spans(text)
    path = folder / f"{sha256}.json"
    try:
        raw = read_regular(path)
        data = json.loads(raw) if raw is not None else None
    except (OSError, ValueError, StoreError, RecursionError):
        data = None
    if (isinstance(data, dict) and data.get("version") == CACHE_VERSION and data.get("sha256") == sha256
            and data.get("length") == len(text) and _valid(data.get("spans"), text)):
        return [(s, e) for s, e in data["spans"]]
    spans = sentence_spans(text)
    record = {"version": CACHE_VERSION, "sha256": sha256, "length": len(text), "spans": [list(s) for s in spans]}
    try:
        atomic_write(path, json.dumps(record, separators=(",", ":")) + "\n", mode)
    except OSError:
        pass  # a read-only store still gets its sentences, just not cached
    return spans


def sentence_at(spans: list[Span], offset: int) -> int:
    """Index of the sentence containing ``offset``, else of the next one (the last if none follows).

    -1 when ``spans`` is empty.
    """
    if not spans:
        return -1
    i = bisect_right(spans, offset, key=lambda s: s[0]) - 1
    if i >= 0 and offset < spans[i][1]:
        return i
    return min(i + 1, len(spans) - 1)
