"""Sentences of two articles aligned whatever their order, offline and deterministic.

Each sentence is a vector of character n-grams (3 to 5 characters inside word boundaries, lower case;
TF ``1 + log(count)``, IDF over the sentences of both articles), so a retelling that changes word forms
("testing" / "tested", "DeepSeek" / "Deepseek") still scores. Specifics two sentences share - numbers
("910", "100,000", "30%"), names (capitalised words not at a sentence start), quoted phrases - add to the
cosine, since the same fact told twice keeps them. A sentence's counterpart is the other article's best
candidate when its score reaches ``THRESHOLD``; below it the sentence has none (a weak best match is not a
counterpart). Measured on a hand-paired set of seed articles 000 and 001 (``tests/data/pairs_000_001.json``,
``bench/bench_align.py``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

THRESHOLD = 0.35  # score below which a best candidate is not a counterpart (bench_align.py)
STEM = 6  # characters of a word that stand for its stem
SPECIFIC_WEIGHT = 0.08  # added to the cosine per shared specific (at most 3 counted)
_WORD = re.compile(r"\w+(?:[.,]\d+)*%?", re.UNICODE)
_NUMBER = re.compile(r"\d[\d.,]*%?")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][A-Za-z]+")
_QUOTED = re.compile(r"[\"“「]([^\"”」]{3,80})[\"”」]")


STOPWORDS = frozenset("""a an the and or but if of to in on at by for from with as into than then that this these
those it its is are was were be been being has have had do does did not no so such also just very more most
which who whom whose what when where while will would can could may might should must about over under
their there they them he she his her we our you your i""".split())


def ngrams(text: str) -> Counter[str]:
    """Character 3- to 5-grams of the sentence's words, function words left out (they match everywhere)."""
    out: Counter[str] = Counter()
    for word in _WORD.findall(text.lower()):
        if word in STOPWORDS:
            continue
        padded = f" {word} "
        for n in (3, 4, 5):
            out.update(padded[i:i + n] for i in range(max(1, len(padded) - n + 1)))
        out[f"w:{word[:STEM]}"] += 2  # the word's stem as a feature of its own ("restricted" ~ "restrictive")
    return out


def specifics(text: str) -> set[str]:
    """Numbers, names and quoted phrases: what a retelling of the same fact keeps."""
    numbers = {n.rstrip(".,").replace(",", "") for n in _NUMBER.findall(text)}
    names = {m.lower() for m in _NAME.findall(text)}
    quoted = {q.lower().strip() for q in _QUOTED.findall(text)}
    return {s for s in numbers | names | quoted if len(s) > 1}


def tfidf_vector(counts: Mapping[str, int], idf: Mapping[str, float]) -> dict[str, float]:
    """Sublinear TF (``1 + log count``) times IDF, L2-normalised: sentences here, whole texts in ``similar``."""
    v = {t: (1 + math.log(c)) * idf.get(t, 1.0) for t, c in counts.items() if c > 0}
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {t: x / norm for t, x in v.items()}


@dataclass(frozen=True)
class Candidate:
    index: int  # the other article's sentence
    score: float


class Aligner:
    """The sentences of articles A and B as vectors; ``candidates(side, i)`` ranks the other side's."""

    def __init__(self, a: Sequence[str], b: Sequence[str], background: Sequence[str] = ()):
        """``background``: more sentences (other articles of the corpus) for the IDF: what is common in
        the corpus ("Chinese AI companies") weighs less than what two sentences alone share."""
        self.sides = (list(a), list(b))
        grams = [[ngrams(s) for s in side] for side in self.sides]
        df: Counter[str] = Counter()
        for side in grams:
            for g in side:
                df.update(g.keys())
        for sentence in background:
            df.update(ngrams(sentence).keys())
        n = sum(len(side) for side in grams) + len(background)
        idf = {t: math.log((n + 1) / (k + 1)) + 1 for t, k in df.items()}
        self.vectors = [[tfidf_vector(g, idf) for g in side] for side in grams]
        self.specifics = [[specifics(s) for s in side] for side in self.sides]


    def score(self, side: int, i: int, j: int) -> float:
        """How alike sentence ``i`` of ``side`` (0: A, 1: B) and sentence ``j`` of the other side are."""
        v, w = self.vectors[side][i], self.vectors[1 - side][j]
        if len(v) > len(w):
            v, w = w, v
        cosine = sum(x * w.get(t, 0.0) for t, x in v.items())
        shared = len(self.specifics[side][i] & self.specifics[1 - side][j])
        return cosine + SPECIFIC_WEIGHT * min(shared, 3)

    def candidates(self, side: int, i: int, k: int = 5) -> list[Candidate]:
        """The other side's sentences most like sentence ``i`` of ``side``, best first (ties: text order)."""
        scored = [Candidate(j, self.score(side, i, j)) for j in range(len(self.sides[1 - side]))]
        scored.sort(key=lambda c: (-c.score, c.index))
        return scored[:k]

    def counterpart(self, side: int, i: int, threshold: float = THRESHOLD) -> Candidate | None:
        """The best candidate if it reaches ``threshold``; None: the sentence has no counterpart."""
        best = self.candidates(side, i, 1)
        return best[0] if best and best[0].score >= threshold else None


def word_differences(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The words of ``a`` and of ``b`` (as character spans) that the other does not have in the same order:
    where an aligned pair's framing differs."""
    from difflib import SequenceMatcher

    wa = [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", a)]
    wb = [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", b)]
    ta = [a[s:e].lower() for s, e in wa]
    tb = [b[s:e].lower() for s, e in wb]
    same_a: set[int] = set()
    same_b: set[int] = set()
    for block in SequenceMatcher(None, ta, tb, autojunk=False).get_matching_blocks():
        same_a.update(range(block.a, block.a + block.size))
        same_b.update(range(block.b, block.b + block.size))
    return ([wa[i] for i in range(len(wa)) if i not in same_a and ta[i].isalnum()],
            [wb[i] for i in range(len(wb)) if i not in same_b and tb[i].isalnum()])
