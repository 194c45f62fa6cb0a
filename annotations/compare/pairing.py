"""The hand-paired set's figures (``tests/data/pairs_000_001.json``): how well ``align.Aligner`` finds
counterparts, measured the same way by the benchmark and the tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..store import Store
from .align import FLOOR, Aligner


@dataclass(frozen=True)
class AlignmentQuality:
    same: int  # hand-paired "same" sentences
    top_a: int  # ... whose counterpart is A's sentence's top candidate
    top_b: int  # ... and the other way round
    given: int  # ... whose counterpart is given both ways (top candidate, over the floor)
    unmatched: int  # sentences with no counterpart (both sides)
    false_matches: int  # ... given a counterpart anyway at the threshold
    floor: float = FLOOR


def sentences_of(store: Store, article_id: str) -> list[str]:
    art = store.article(article_id)
    if art is None:
        raise KeyError(article_id)
    text = store.text(art.sha256)
    return [text[s:e] for s, e in store.sentences(art.sha256, text)]


def quality(store: Store, pairs_file: Path) -> AlignmentQuality:
    g = json.loads(pairs_file.read_text(encoding="utf-8"))
    a, b = sentences_of(store, g["a"]), sentences_of(store, g["b"])
    background = [s for art in store.articles() if art.id not in (g["a"], g["b"]) for s in sentences_of(store, art.id)]
    al = Aligner(a, b, background)
    top_a = sum(al.candidates(0, i, 1)[0].index == j for i, j in g["same"])
    top_b = sum(al.candidates(1, j, 1)[0].index == i for i, j in g["same"])
    given = sum(getattr(al.counterpart(0, i), "index", None) == j and getattr(al.counterpart(1, j), "index", None) == i
                for i, j in g["same"])
    false = sum(al.counterpart(0, i) is not None for i in g["unmatched_a"]) + \
        sum(al.counterpart(1, j) is not None for j in g["unmatched_b"])
    return AlignmentQuality(len(g["same"]), top_a, top_b, given, len(g["unmatched_a"]) + len(g["unmatched_b"]), false)
