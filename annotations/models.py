"""Plain records of the annotation core: what is stored, exported and shown.

All offsets are Python ``str`` indices (code points) into the article text as
stored (normalised once at import, see ``normalize.py``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

STATUSES = ("todo", "in progress", "done")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    source: str
    sha256: str  # of the current (normalised) text
    length: int  # code points
    meta: dict[str, Any] = field(default_factory=dict)
    old_versions: tuple[str, ...] = ()  # sha256 of earlier texts, oldest first
    added: str = ""
    removed_controls: int = 0  # control characters dropped at import

    def to_record(self) -> dict[str, Any]:
        rec = asdict(self)
        rec["old_versions"] = list(self.old_versions)
        return rec

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> "Article":
        data = dict(rec)
        data["old_versions"] = tuple(data.get("old_versions", ()))
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class Claim:
    id: str
    article_id: str
    text_sha256: str
    start: int
    end: int
    quote: str  # text[start:end] of the text with text_sha256
    type: str
    stance: str
    target: str
    annotator: str
    note: str = ""
    created: str = ""
    updated: str = ""

    def to_record(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> "Claim":
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in rec.items() if k in known})


@dataclass(frozen=True)
class ArticleState:
    """One annotator's state of one article: labels, status and claim count."""

    article_id: str
    annotator: str
    status: str = "todo"
    labels: dict[str, list[str]] = field(default_factory=dict)
    n_claims: int = 0
    updated: str = ""

    def to_record(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> "ArticleState":
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in rec.items() if k in known})


@dataclass(frozen=True)
class Progress:
    """Per-article progress of one annotator, as the article list shows it."""

    article: Article
    status: str
    n_claims: int
