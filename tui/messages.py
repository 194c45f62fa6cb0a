"""Messages the app's pieces send each other: small dataclasses."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class StoreChanged(Message, bubble=False):
    """Another process (or this one) saved something: screens re-read what they show."""


@dataclass
class SentencesReady(Message):
    """The sentence boundaries of an article's text were computed (in a worker)."""

    sha256: str
    spans: list[tuple[int, int]]


@dataclass
class GoldSaved(Message, bubble=False):
    """The review writer saved a step."""


@dataclass
class GoldRefused(Message, bubble=False):
    """The store refused a review step; the steps queued after it were dropped."""

    error: Exception
