"""A one-line reason for a review decision: Enter saves, Escape cancels."""

from __future__ import annotations

from .note import NoteScreen


class RationaleScreen(NoteScreen):
    PROMPT = " reason: "
