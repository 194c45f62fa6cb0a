"""Searching text: the article list's full-text filter (texts read once, in a worker, searched in
memory) and the reader's search (match offsets into the stored text)."""

from __future__ import annotations

from typing import Protocol

from ..models import Article


class Texts(Protocol):
    """What the index reads: the store's articles and texts (``Store`` is one)."""

    def articles(self) -> list[Article]: ...

    def text(self, sha256: str) -> str: ...


class TextIndex:
    def __init__(self, store: Texts):
        self._texts: dict[str, str] = {}
        for article in store.articles():
            try:
                self._texts[article.id] = store.text(article.sha256).casefold()
            except Exception:  # a missing text must not break filtering of the rest
                continue

    def search(self, query: str) -> set[str]:
        needle = query.casefold()
        return {aid for aid, text in self._texts.items() if needle in text}


def find_all(text: str, query: str, limit: int = 10_000) -> list[tuple[int, int]]:
    """Case-insensitive matches of ``query`` as (start, end) offsets into ``text`` itself.

    Folding must not move offsets: ``casefold`` is used when it keeps the text's length (it only
    ever expands characters, e.g. ß -> ss), else ``lower``, else the match is case-sensitive."""
    fold = next((f for f in (str.casefold, str.lower) if len(f(text)) == len(text)), None)
    haystack, needle = (fold(text), fold(query)) if fold else (text, query)
    if not needle:
        return []
    out: list[tuple[int, int]] = []
    i = haystack.find(needle)
    while i != -1 and len(out) < limit:
        out.append((i, i + len(needle)))
        i = haystack.find(needle, i + 1)
    return out
