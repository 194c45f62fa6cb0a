"""What the aligner counts of each sentence of a text, cached per text hash: ``STORE/cache/features/<sha>.json``
(like ``cache/sentences/``: derived, safe to delete, read without following a link).

A text is content-addressed, so its sentences' features never change while the rules that count them
(``align.ngrams``, ``align.specifics``, the alias table) stay the same; the file carries a fingerprint of
those rules and the text's sentence spans, and anything that does not match, or does not parse, is counted
again. Opening a compare view on two 1 MB texts counts 16,000 sentences once; after that it reads two files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from ..errors import StoreError
from ..fileio import atomic_write, read_regular
from ..store import Store
from .aliases import ALIASES
from .align import STEM, STOPWORDS, Features, features

CACHE_VERSION = 1
RULES = hashlib.sha256(repr((CACHE_VERSION, STEM, sorted(STOPWORDS), sorted(ALIASES.items()))).encode()).hexdigest()[:16]


def _valid(data: object, spans: Sequence[tuple[int, int]]) -> bool:
    if not (isinstance(data, dict) and data.get("rules") == RULES and data.get("spans") == [list(s) for s in spans]):
        return False
    grams, named = data.get("grams"), data.get("specifics")
    return (isinstance(grams, list) and isinstance(named, list) and len(grams) == len(named) == len(spans)
            and all(isinstance(g, dict) and all(isinstance(k, str) and type(v) is int and v > 0 for k, v in g.items())
                    for g in grams)
            and all(isinstance(n, list) and all(isinstance(x, str) for x in n) for n in named))


def text_features(store: Store, sha256: str, text: str, spans: Sequence[tuple[int, int]],
                  keep: bool = True) -> list[Features]:
    """The features of each sentence ``spans`` of ``text`` (the store text ``sha256``), from the cache when
    it holds them; counted otherwise, and kept when ``keep`` and the store can be written."""
    try:
        folder: Path | None = store.fs.folder("cache/features")
    except StoreError:
        folder = None  # a read-only store: counted every time
    path = folder / f"{sha256}.json" if folder is not None else None
    if path is not None:
        try:
            raw = read_regular(path)
            data = json.loads(raw) if raw is not None else None
        except (OSError, ValueError, StoreError, RecursionError):
            data = None
        if _valid(data, spans):
            assert isinstance(data, dict)
            return [Features(g, frozenset(n)) for g, n in zip(data["grams"], data["specifics"])]
    found = [features(text[s:e]) for s, e in spans]
    if path is not None and keep:
        record = {"version": CACHE_VERSION, "rules": RULES, "sha256": sha256, "spans": [list(s) for s in spans],
                  "grams": [f.grams for f in found], "specifics": [sorted(f.specifics) for f in found]}
        try:
            atomic_write(path, json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n", store.fs.file_mode)
        except OSError:
            pass  # not kept; counted again next time
    return found
