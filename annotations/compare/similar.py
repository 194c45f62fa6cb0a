"""Articles most like one article: word TF-IDF cosine over the store's current texts (function words left out,
words cut to their stem as in ``align``). Built per call from the texts (a store of hundreds of articles
answers in well under a second; an index kept up to date as articles are added is the next step for
10,000, see the issue 13 note)."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from ..models import Article
from ..store import Store
from .align import STEM, STOPWORDS

_WORD = re.compile(r"\w+", re.UNICODE)


def _terms(text: str) -> Counter[str]:
    return Counter(w[:STEM] for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 2)


@dataclass(frozen=True)
class Similar:
    article: Article
    score: float


def most_similar(store: Store, article_id: str, k: int = 10) -> list[Similar]:
    """The ``k`` articles most like ``article_id``, best first (ties: by id); empty if it is not in the store."""
    articles = store.articles()
    terms = {a.id: _terms(store.text(a.sha256)) for a in articles}
    if article_id not in terms:
        return []
    df: Counter[str] = Counter()
    for t in terms.values():
        df.update(t.keys())
    n = len(terms)

    def vector(t: Counter[str]) -> dict[str, float]:
        v = {w: (1 + math.log(c)) * (math.log((n + 1) / (df[w] + 1)) + 1) for w, c in t.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {w: x / norm for w, x in v.items()}

    mine = vector(terms[article_id])
    out = []
    for a in articles:
        if a.id == article_id:
            continue
        other = vector(terms[a.id])
        out.append(Similar(a, sum(x * other.get(w, 0.0) for w, x in mine.items())))
    out.sort(key=lambda s: (-s.score, s.article.id))
    return out[:k]
