"""Whose layers a reviewer sees and how they are named.

- ``opened_by``: the annotators who opened an article (a state beyond "todo", a claim or a label): an
  annotator who never opened it is not compared, and is not "missing" a claim (the rule ``metrics``
  uses too);
- ``Letters``: annotators shown as A, B, C... In blind review the order is shuffled per article (with a
  secret of the session, so the letters do not give away who is who across articles or sessions) and
  names are never shown: every string the review screens draw names an annotator through ``name``;
- ``may_review``: the ``[review] reviewers`` rule of ``claimtag.toml``.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..errors import ClaimtagError
from ..models import GOLD, ArticleState, opened


def opened_by(states: Iterable[ArticleState]) -> list[str]:
    return sorted(s.annotator for s in states if s.annotator != GOLD and opened(s))


@dataclass
class Letters:
    """Letters for the annotators of one article; ``blind``: shuffled per article and names hidden."""

    article_id: str
    annotators: Sequence[str]
    blind: bool = False
    secret: str = field(default_factory=lambda: secrets.token_hex(8))

    def __post_init__(self) -> None:
        order = sorted(self.annotators, key=self._rank) if self.blind else sorted(self.annotators)
        self.letter = {who: _letter(i) for i, who in enumerate(order)}

    def _rank(self, who: str) -> str:
        return hashlib.sha256(f"{self.secret}\0{self.article_id}\0{who}".encode("utf-8", "surrogatepass")).hexdigest()

    def of(self, who: str) -> str:
        return self.letter.get(who, "?")

    def name(self, who: str) -> str:
        """How the screen names an annotator: the letter alone in blind review, else letter and name."""
        if who == GOLD:
            return GOLD
        return self.of(who) if self.blind else f"{self.of(who)} {who}"

    def ordered(self, names: Sequence[str]) -> list[str]:
        return sorted(names, key=lambda w: (self.of(w) == "?", self.of(w), w))

    def legend(self) -> str:
        return " · ".join(self.name(w) for w in self.ordered(list(self.letter)))


def _letter(i: int) -> str:
    letters = string.ascii_uppercase
    return letters[i] if i < len(letters) else f"{letters[i // 26 - 1]}{letters[i % 26]}"


class NotAReviewer(ClaimtagError):
    pass


def may_review(reviewers: Sequence[str], login: str) -> None:
    """Raise ``NotAReviewer`` unless ``login`` (the UNIX account, or the SSH user) may review: the
    ``[review] reviewers`` list of ``claimtag.toml``; an empty list lets anyone review."""
    if reviewers and login not in reviewers:
        raise NotAReviewer(f"{login} is not a reviewer of this project ([review] reviewers in claimtag.toml: "
                           f"{', '.join(reviewers)})")
