"""Two articles side by side (``claimtag compare A B``; the reader's compare key): a cursor sentence on
each side, the focused side's sentence aligned to its counterpart on the other (``align.Aligner``), the
words that differ inside the pair, and each side's claims (the annotator's own, as in the reader).
Plain state the compare screen draws; tests drive it without a UI."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import EditRefused
from ..models import Article, Claim, Link
from ..store import Store
from .align import Aligner, Candidate, word_differences
from .features import text_features

BACKGROUND_ARTICLES = 30  # other articles whose sentences weigh the IDF (what the corpus says everywhere)


@dataclass(frozen=True)
class Side:
    article: Article
    text: str
    sentences: list[tuple[int, int]]
    claims: list[Claim]


@dataclass(frozen=True)
class Pairing:
    """What the screen shows for the focused sentence."""

    focus: int  # 0: A, 1: B
    here: int  # the focused side's sentence
    there: Candidate | None  # its counterpart on the other side (None: it has none)
    best: Candidate | None  # the other side's best candidate, counterpart or not
    differ: tuple[list[tuple[int, int]], list[tuple[int, int]]]  # differing words, text offsets, A then B
    other: int = 0  # the other side's selected sentence (the counterpart, unless held or there is none)
    held: bool = False  # the other side stays where it is (``CompareSession.hold``)


class CompareSession:
    def __init__(self, store: Store, annotator: str, a_id: str, b_id: str):
        self.store, self.annotator = store, annotator
        self.sides = (self._side(a_id), self._side(b_id))
        others = [a for a in store.articles() if a.id not in (a_id, b_id)][:BACKGROUND_ARTICLES]
        background: list[Iterable[str]] = []
        for art in others:
            text = store.text(art.sha256)
            background += [f.grams.keys() for f in text_features(store, art.sha256, text, store.sentences(art.sha256, text))]
        a, b = (text_features(store, side.article.sha256, side.text, side.sentences) for side in self.sides)
        self.aligner = Aligner.from_features(a, b, background)
        self.focus = 0
        self.cursor = [0, 0]
        self.claim_focus: list[str | None] = [None, None]  # the claim n/N went to on each side
        self.held = False  # each side moves only by its own keys (a pair the aligner does not make)
        self.made: list[Link] = []  # links made in this view, for undo

    def _side(self, article_id: str) -> Side:
        article = self.store.article(article_id)
        if article is None:
            raise KeyError(f"no article {article_id!r} in the store")
        text = self.store.text(article.sha256)
        claims = [c for c in self.store.claims(article_id, self.annotator) if c.text_sha256 == article.sha256]
        return Side(article, text, self.store.sentences(article.sha256, text) or [(0, len(text))], claims)

    def pairing(self) -> Pairing:
        here = self.cursor[self.focus]
        other = 1 - self.focus
        there = self.aligner.counterpart(self.focus, here)
        best = next(iter(self.aligner.candidates(self.focus, here, 1)), None)
        if there is not None and not self.held and self.cursor[other] != there.index:
            self.cursor[other] = there.index
            self.claim_focus[other] = None
        differ: tuple[list[tuple[int, int]], list[tuple[int, int]]] = ([], [])
        if there is not None or self.held:
            a_i, b_i = (here, self.cursor[1]) if self.focus == 0 else (self.cursor[0], here)
            (a0, a1), (b0, b1) = self.sides[0].sentences[a_i], self.sides[1].sentences[b_i]
            da, db = word_differences(self.sides[0].text[a0:a1], self.sides[1].text[b0:b1])
            differ = ([(a0 + s, a0 + e) for s, e in da], [(b0 + s, b0 + e) for s, e in db])
        return Pairing(self.focus, here, there, best, differ, self.cursor[other], self.held)

    def hold(self) -> Pairing:
        """Hold (again: follow): each side moves only by its own keys, so any sentence of A can be set
        beside any of B, and their claims linked, where the aligner pairs them otherwise or not at all."""
        self.held = not self.held
        return self.pairing()

    def move(self, delta: int) -> Pairing:
        """The focused side's cursor to the next (previous) sentence; the other side follows to its counterpart."""
        n = len(self.sides[self.focus].sentences)
        self.cursor[self.focus] = max(0, min(n - 1, self.cursor[self.focus] + delta))
        self.claim_focus[self.focus] = None
        return self.pairing()

    def _sentence_of(self, side: int, offset: int) -> int:
        starts = [s for s, _ in self.sides[side].sentences]
        return max(0, bisect_right(starts, offset) - 1)

    def jump_claim(self, delta: int) -> Pairing:
        """The focused side's next (previous) claim, cycling, one claim at a time (several in one sentence
        each get a turn); its sentence is selected and the other side follows."""
        claims = self.sides[self.focus].claims
        if claims:
            here = self.claim_at(self.focus)
            if here is None or here.id != self.claim_focus[self.focus]:
                # from the cursor's sentence: the first claim starting after (before) it
                start, end = self.selection(self.focus)
                later = [c for c in claims if (c.start >= end if delta > 0 else c.start < start)]
                chosen = (later[0] if delta > 0 else later[-1]) if later else (claims[0] if delta > 0 else claims[-1])
            else:
                k = next(i for i, c in enumerate(claims) if c.id == here.id)
                chosen = claims[(k + (1 if delta > 0 else -1)) % len(claims)]
            self.cursor[self.focus] = self._sentence_of(self.focus, chosen.start)
            self.claim_focus[self.focus] = chosen.id
        return self.pairing()

    def switch(self) -> Pairing:
        """Focus the other side (its cursor stays where the pairing put it)."""
        self.focus = 1 - self.focus
        return self.pairing()

    def select_at(self, offset: int) -> Pairing:
        """A's sentence holding ``offset`` selected (focus on A), B at its counterpart."""
        self.focus = 0
        self.cursor[0] = self._sentence_of(0, offset)
        return self.pairing()

    def selection(self, side: int) -> tuple[int, int]:
        """The side's selected sentence."""
        return self.sides[side].sentences[self.cursor[side]]

    def marked(self, side: int) -> tuple[int, int]:
        """What the side's view selects: the claim n/N went to, else the selected sentence."""
        claim = self.claim_at(side)
        return (claim.start, claim.end) if claim is not None and claim.id == self.claim_focus[side] \
            else self.selection(side)

    def claim_at(self, side: int) -> Claim | None:
        """The side's claim in focus: the one n/N went to while its sentence is selected, else the first of
        the annotator's claims overlapping the selected sentence."""
        start, end = self.selection(side)
        here = [c for c in self.sides[side].claims if c.start < end and start < c.end]
        return next((c for c in here if c.id == self.claim_focus[side]), here[0] if here else None)

    def link(self, relation: str) -> Link:
        """Link the claims of the two selected sentences (the focused side's first); raises ``EditRefused``
        when a side has no claim there or they are linked already."""
        mine, theirs = self.claim_at(self.focus), self.claim_at(1 - self.focus)
        for side, c in ((self.focus, mine), (1 - self.focus, theirs)):
            if c is None:
                raise EditRefused(f"no claim of yours in the selected sentence of {'AB'[side]}: tag it in the reader")
        assert mine is not None and theirs is not None
        if any(x.touches(mine.article_id, mine.id) and x.touches(theirs.article_id, theirs.id)
               for x in self.store.all_links(self.annotator)):
            raise EditRefused("these two claims are linked already")
        link = self.store.save_link(Link(Store.new_claim_id(), mine.article_id, mine.id, theirs.article_id, theirs.id,
                                         relation, self.annotator))
        self.made.append(link)
        return link

    def undo_link(self) -> Link | None:
        """Remove the last link made in this view (None: nothing to undo)."""
        while self.made:
            link = self.made.pop()
            if self.store.delete_link(link):
                return link
        return None

    def links_here(self) -> int:
        """How many links the claims in focus on both sides have (to any article)."""
        ids = {c.id for c in (self.claim_at(0), self.claim_at(1)) if c is not None}
        return sum(1 for x in self.store.all_links(self.annotator) if x.claim_id in ids or x.other_claim_id in ids)


def linked_articles(store: Store, article_id: str, annotator: str) -> dict[str, int]:
    """Claim id -> how many other articles the annotator linked it to (the reader's "also in N other articles")."""
    out: dict[str, set[str]] = {}
    for link in store.all_links(annotator):
        if link.article_id == article_id:
            out.setdefault(link.claim_id, set()).add(link.other_article_id)
        if link.other_article_id == article_id:
            out.setdefault(link.other_claim_id, set()).add(link.article_id)
    return {cid: len(others) for cid, others in out.items()}
