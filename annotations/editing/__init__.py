"""Editing: one annotator's session on one article (``session.py``) and undo/redo (``history.py``).
Every session method returns what it did (``Done``), so no screen reads the history's insides."""

from __future__ import annotations

from .history import ClaimEdit, Edit, History, StateEdit
from .session import ArticleSession, Done, line_spans, next_article

__all__ = ["ArticleSession", "ClaimEdit", "Done", "Edit", "History", "StateEdit", "line_spans", "next_article"]
