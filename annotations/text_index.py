"""Full-text filter for the article list: texts are read once (in a worker) and searched in memory."""

from __future__ import annotations

from annotations.store import Store


class TextIndex:
    def __init__(self, store: Store):
        self._texts: dict[str, str] = {}
        for article in store.articles():
            try:
                self._texts[article.id] = store.text(article.sha256).casefold()
            except Exception:  # a missing text must not break filtering of the rest
                continue

    def search(self, query: str) -> set[str]:
        needle = query.casefold()
        return {aid for aid, text in self._texts.items() if needle in text}
