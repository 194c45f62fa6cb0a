"""The corpus: walking files and folders into ``NewArticle``s (``walk.py``), one reader per file type
(``txt.py``, ``md.py``, ``jsonl.py``, sharing ``common.py``). It adds to the store only through ``Store``."""

from __future__ import annotations

from .walk import ReadResult, Refusal, add_paths, read_paths

__all__ = ["ReadResult", "Refusal", "add_paths", "read_paths"]
