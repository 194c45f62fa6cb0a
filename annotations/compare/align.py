"""Sentences of two articles aligned whatever their order, offline and deterministic.

Each sentence is a vector of character n-grams (3 to 5 characters inside word boundaries, lower case;
TF ``1 + log(count)``, IDF over the sentences of both articles), so a retelling that changes word forms
("testing" / "tested", "DeepSeek" / "Deepseek") still scores. Specifics two sentences share - numbers
("910", "100,000", "30%"), names (capitalised words not at a sentence start), quoted phrases - add to the
cosine, since the same fact told twice keeps them. Aliases of one entity ("U.S.", "the United States",
"Washington") count as one word (``aliases``).

Candidates are ranked by how much more alike two sentences are than each is to its usual neighbours
(CSLS, Conneau et al. 2018, "Word translation without parallel data": ``2 cos(x, y) - r(x) - r(y)``, with
``r`` the mean score of a sentence's ``NEIGHBOURS`` best matches on the other side). A sentence full of the
story's common words ("U.S. investors ... China's AI industry") is near everything, so its plain score
ranks it first for many sentences it does not retell; the margin takes that out. The margin re-ranks the
``SHORTLIST`` best plain scores, so a query scans the other side once plus once per shortlisted sentence
(memoised). A sentence's counterpart is its best candidate when that reaches ``FLOOR`` and its margin is
not negative; otherwise the sentence has none (a weak best match is not a counterpart). Measured on a
hand-paired set of seed articles 000 and 001 (``tests/data/pairs_000_001.json``, ``bench/bench_align.py``).
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .aliases import canonical

FLOOR = 0.30  # score below which a best candidate is not a counterpart (bench_align.py)
NEIGHBOURS = 3  # best matches whose mean is a sentence's usual likeness (CSLS's k)
SHORTLIST = 8  # best plain scores the margin re-ranks
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
    for word in _WORD.findall(canonical(text).lower()):
        if word in STOPWORDS:
            continue
        padded = f" {word} "
        for n in (3, 4, 5):
            out.update(padded[i:i + n] for i in range(max(1, len(padded) - n + 1)))
        out[f"w:{word[:STEM]}"] += 2  # the word's stem as a feature of its own ("restricted" ~ "restrictive")
    return out


def specifics(text: str) -> set[str]:
    """Numbers, names and quoted phrases: what a retelling of the same fact keeps."""
    text = canonical(text)
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
class Features:
    """What the aligner counts of one sentence (``features``; cached per text by ``compare.features``)."""

    grams: dict[str, int]
    specifics: frozenset[str]


def features(sentence: str) -> Features:
    return Features(dict(ngrams(sentence)), frozenset(specifics(sentence)))


@dataclass(frozen=True)
class Candidate:
    index: int  # the other article's sentence
    score: float  # cosine plus shared specifics
    margin: float = 0.0  # CSLS: how much more alike than either is to its usual neighbours


class Aligner:
    """The sentences of articles A and B as vectors; ``candidates(side, i)`` ranks the other side's."""

    def __init__(self, a: Sequence[str], b: Sequence[str], background: Sequence[str] = ()):
        """``background``: more sentences (other articles of the corpus) for the IDF: what is common in
        the corpus ("Chinese AI companies") weighs less than what two sentences alone share."""
        self._setup([features(s) for s in a], [features(s) for s in b], [ngrams(s).keys() for s in background])

    @classmethod
    def from_features(cls, a: Sequence[Features], b: Sequence[Features],
                      background: Iterable[Iterable[str]] = ()) -> Aligner:
        """The same from counted features (``compare.features.text_features``); ``background``: the
        feature names of each background sentence."""
        aligner = cls.__new__(cls)
        aligner._setup(list(a), list(b), background)
        return aligner

    def _setup(self, a: list[Features], b: list[Features], background: Iterable[Iterable[str]]) -> None:
        self.sizes = (len(a), len(b))
        df: Counter[str] = Counter()
        for f in (*a, *b):
            df.update(f.grams.keys())
        n = len(a) + len(b)
        for names in background:
            df.update(names)
            n += 1
        idf = {t: math.log((n + 1) / (k + 1)) + 1 for t, k in df.items()}
        self.vectors = [[tfidf_vector(f.grams, idf) for f in side] for side in (a, b)]
        self.specifics = [[f.specifics for f in side] for side in (a, b)]
        self._usual: dict[tuple[int, int], float] = {}
        self._index: list[tuple[dict[str, tuple[array[int], array[float]]], dict[str, list[int]]] | None] = [None, None]

    def _postings(self, side: int) -> tuple[dict[str, tuple[array[int], array[float]]], dict[str, list[int]]]:
        """Side's features -> the sentences holding them (and weights), specifics -> sentences; built once."""
        if self._index[side] is None:
            grams: dict[str, tuple[array[int], array[float]]] = {}
            named: dict[str, list[int]] = {}
            for j, vector in enumerate(self.vectors[side]):
                for t, w in vector.items():
                    if t not in grams:
                        grams[t] = (array("i"), array("d"))
                    grams[t][0].append(j)
                    grams[t][1].append(w)
                for thing in self.specifics[side][j]:
                    named.setdefault(thing, []).append(j)
            self._index[side] = (grams, named)
        found = self._index[side]
        assert found is not None
        return found

    def scores(self, side: int, i: int) -> list[float]:
        """How alike sentence ``i`` of ``side`` (0: A, 1: B) is to each sentence of the other side: the
        cosine plus ``SPECIFIC_WEIGHT`` per shared specific (at most 3). Through the other side's postings,
        so a sentence meets only the sentences sharing a feature with it."""
        grams, named = self._postings(1 - side)
        row = [0.0] * self.sizes[1 - side]
        for t, x in self.vectors[side][i].items():
            if t in grams:
                for j, w in zip(*grams[t]):
                    row[j] += x * w
        shared: Counter[int] = Counter()
        for thing in self.specifics[side][i]:
            shared.update(named.get(thing, ()))
        for j, n in shared.items():
            row[j] += SPECIFIC_WEIGHT * min(n, 3)
        return row

    def usual(self, side: int, i: int, row: list[float] | None = None) -> float:
        """The mean score of sentence ``i``'s ``NEIGHBOURS`` best matches on the other side (memoised)."""
        key = (side, i)
        if key not in self._usual:
            best = sorted(row if row is not None else self.scores(side, i), reverse=True)[:NEIGHBOURS]
            self._usual[key] = sum(best) / len(best) if best else 0.0
        return self._usual[key]

    def candidates(self, side: int, i: int, k: int = 5) -> list[Candidate]:
        """The other side's sentences most like sentence ``i`` of ``side``, best margin first (ties: higher
        score, then text order)."""
        row = self.scores(side, i)
        mine = self.usual(side, i, row)
        short = sorted(range(len(row)), key=lambda j: (-row[j], j))[:max(k, SHORTLIST)]
        scored = [Candidate(j, row[j], 2 * row[j] - mine - self.usual(1 - side, j)) for j in short]
        scored.sort(key=lambda c: (-c.margin, -c.score, c.index))
        return scored[:k]

    def counterpart(self, side: int, i: int, floor: float = FLOOR) -> Candidate | None:
        """The best candidate if its score reaches ``floor`` and its margin is not negative; None: the
        sentence has no counterpart."""
        best = self.candidates(side, i, 1)
        return best[0] if best and best[0].score >= floor and best[0].margin >= -1e-9 else None


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
