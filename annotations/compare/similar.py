"""Articles most like one article: word TF-IDF cosine over the store's current texts (function words left
out, words cut to their stem as in ``align``).

Each text's term counts (its ``TOP_TERMS`` most frequent stems) are kept in an index,
``STORE/cache/terms/<xx>.json`` by the text's SHA-256 (content-addressed: a text is counted once, whoever
adds it); ``index_texts`` adds the texts it lacks (``claimtag add`` and ``import`` call it, and a query
counts what is still missing), so a query reads 256 small files instead of every text. The IDF is taken
at query time over the current texts. A cache: lost or corrupt, it is rebuilt; it never decides anything.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import StoreError
from ..fileio import atomic_write_many, read_regular
from ..models import Article
from ..store import Store
from .align import STEM, STOPWORDS, Aligner, features, tfidf_vector
from .features import text_features

INDEX_VERSION = 1
TOP_TERMS = 80  # the most frequent stems of a text that stand for it
_WORD = re.compile(r"\w+", re.UNICODE)


def terms_of(text: str) -> dict[str, int]:
    """The text's ``TOP_TERMS`` most frequent stems (ties: first seen first). Words are counted first and
    folded into stems after, since a text repeats its words (a third of the time of a stem per word)."""
    counts: Counter[str] = Counter()
    for word, n in Counter(_WORD.findall(text.lower())).items():
        if len(word) > 2 and word not in STOPWORDS:
            counts[word[:STEM]] += n
    return dict(counts.most_common(TOP_TERMS))


def _folder(store: Store) -> Path | None:
    try:
        return store.fs.folder("cache/terms")
    except StoreError:
        return None  # a read-only store: counted every time, not kept


def _read(folder: Path | None, prefix: str) -> dict[str, dict[str, int]]:
    if folder is None:
        return {}
    try:
        raw = read_regular(folder / f"{prefix}.json")
        data = json.loads(raw) if raw is not None else None
    except (OSError, ValueError, StoreError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("version") != INDEX_VERSION or not isinstance(data.get("terms"), dict):
        return {}
    return {sha: t for sha, t in data["terms"].items()
            if isinstance(t, dict) and all(isinstance(v, int) for v in t.values())}


def load_index(store: Store, shas: Iterable[str]) -> dict[str, dict[str, int]]:
    """Term counts of the texts ``shas``; those the index lacks are counted now and added to it."""
    folder = _folder(store)
    want = set(shas)
    by_prefix: dict[str, list[str]] = {}
    for sha in want:
        by_prefix.setdefault(sha[:2], []).append(sha)
    out: dict[str, dict[str, int]] = {}
    writes: list[tuple[Path, str]] = []
    for prefix, group in sorted(by_prefix.items()):
        held = _read(folder, prefix)
        missing = [sha for sha in group if sha not in held]
        for sha in missing:
            try:
                held[sha] = terms_of(store.text(sha))
            except StoreError:
                continue  # a text the store cannot give: not compared
        if missing and folder is not None:
            writes.append((folder / f"{prefix}.json", json.dumps({"version": INDEX_VERSION, "terms": held},
                                                                 ensure_ascii=False, separators=(",", ":"))))
        out.update({sha: held[sha] for sha in group if sha in held})
    try:
        atomic_write_many(writes, store.fs.file_mode)  # one sync round for every file (256 after a big add)
    except OSError:
        pass  # not kept; counted again next time
    return out


def index_texts(store: Store, articles: Iterable[Article] | None = None) -> int:
    """Add the current texts of ``articles`` (default: every article) to the index; how many it held."""
    shas = {a.sha256 for a in (articles if articles is not None else store.articles())}
    return len(load_index(store, shas))


@dataclass(frozen=True)
class Similar:
    article: Article
    score: float


def most_similar(store: Store, article_id: str, k: int = 10) -> list[Similar]:
    """The ``k`` articles most like ``article_id``, best first (ties: by id); empty if it is not in the store."""
    articles = store.articles()
    mine = next((a for a in articles if a.id == article_id), None)
    if mine is None:
        return []
    terms = load_index(store, {a.sha256 for a in articles})
    return _ranked(articles, terms, terms.get(mine.sha256, {}), article_id, k)


def _ranked(articles: list[Article], terms: dict[str, dict[str, int]], query_terms: dict[str, int],
            exclude: str | None, k: int) -> list[Similar]:
    """The articles whose terms are most like ``query_terms`` (TF-IDF cosine, IDF over ``articles``)."""
    df: Counter[str] = Counter()
    for sha in {a.sha256 for a in articles}:
        df.update(terms.get(sha, {}).keys())
    n = len(articles)
    idf = {t: math.log((n + 1) / (c + 1)) + 1 for t, c in df.items()}
    query = tfidf_vector(query_terms, idf)
    scored: dict[str, float] = {}
    for a in articles:
        if a.id == exclude or a.sha256 not in terms:
            continue
        doc = terms[a.sha256]
        if not any(t in query for t in doc):
            continue
        v = tfidf_vector(doc, idf)
        scored[a.id] = sum(x * v.get(t, 0.0) for t, x in query.items())
    by_id = {a.id: a for a in articles}
    best = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
    return [Similar(by_id[aid], score) for aid, score in best]


@dataclass(frozen=True)
class Appearance:
    """Where a claim's text is told again: an article, its sentence, and the alignment score."""

    article: Article
    start: int
    end: int
    score: float


def where_else(store: Store, quote: str, exclude: str | None = None, k: int = 5, shortlist: int = 20) -> list[Appearance]:
    """The articles (other than ``exclude``) that tell ``quote`` again, best first: the ``shortlist``
    articles whose terms are most like it, then in each the sentence that aligns best with it (``align``),
    kept when it is a counterpart (``Aligner.counterpart``). Sentence features come from the cache when a
    compare view counted them (``features``); a lookup does not write it."""
    articles = store.articles()
    terms = load_index(store, {a.sha256 for a in articles})
    found: list[Appearance] = []
    for candidate in _ranked(articles, terms, terms_of(quote), exclude, shortlist):
        text = store.text(candidate.article.sha256)
        spans = store.sentences(candidate.article.sha256, text)
        aligner = Aligner.from_features([features(quote)],
                                        text_features(store, candidate.article.sha256, text, spans, keep=False))
        best = aligner.counterpart(0, 0)
        if best is not None:
            s, e = spans[best.index]
            found.append(Appearance(candidate.article, s, e, best.score))
    found.sort(key=lambda x: (-x.score, x.article.id))
    return found[:k]
