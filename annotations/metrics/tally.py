"""The per-article half of ``claimtag agree``: each article's claims compared, added into a ``Tally`` of
counts that merge by addition (``Tally.merge``), so the articles can be counted in several processes.

A store's articles sit in 256 buckets and an article's claims all in its own bucket file, so the buckets
are dealt out to worker processes (forked: they share the parent's reading of states and articles); each
reads its buckets' claims and returns a ``Tally``. On 10,000 articles x 3 annotators the per-article
pass and the reading of 300,000 claims are ~85% of the command's time: 2 cores halve them. A small
store (or a system without ``fork``) is counted in the calling process, with the same code.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from ..models import Claim
from ..store import Store, bucket_of
from .spans import SpanCounts, candidates, exact_matches, match_claims, matches_per_type
from .unitized import Piece, piece

CLAIM_FIELDS = ("stance", "type", "target")
Labels = tuple[str, str, str]  # a claim's CLAIM_FIELDS
PARALLEL_FROM = 2_000  # articles compared: below this, forking costs more than it saves


@dataclass
class PairSpans:
    pair: tuple[str, str]
    articles: int
    exact: SpanCounts = field(default_factory=SpanCounts)
    overlap: SpanCounts = field(default_factory=SpanCounts)
    by_type: dict[str, SpanCounts] = field(default_factory=dict)

    def merge(self, other: PairSpans) -> None:
        self.articles += other.articles
        for mine, theirs in ((self.exact, other.exact), (self.overlap, other.overlap)):
            mine.add(theirs.matched, theirs.n_a, theirs.n_b)
        for t, c in other.by_type.items():
            self.by_type.setdefault(t, SpanCounts()).add(c.matched, c.n_a, c.n_b)


@dataclass
class Tally:
    """Everything the figures need from the articles counted so far."""

    pairs: dict[tuple[str, str], PairSpans] = field(default_factory=dict)
    # annotator pair -> (a's claim labels, b's claim labels) of matched claims -> count; labels: CLAIM_FIELDS
    label_pairs: dict[tuple[str, str], Counter[tuple[Labels, Labels]]] = field(default_factory=dict)
    # (the labels of the claims of one unit, does every annotator of its article have a claim in it) -> count
    units: Counter[tuple[tuple[Labels, ...], bool]] = field(default_factory=Counter)
    pieces: dict[str, Piece] = field(default_factory=dict)  # alpha_U's part of each article everyone opened
    skipped: dict[str, str] = field(default_factory=dict)  # what the reads left out (see Store.skipped)

    def joint(self, name: str) -> dict[tuple[str, str], Counter[tuple[Any, Any]]]:
        """Annotator pair -> (a's value, b's value) of one field of matched claims -> count."""
        i = CLAIM_FIELDS.index(name)
        out: dict[tuple[str, str], Counter[tuple[Any, Any]]] = {}
        for key, joint in self.label_pairs.items():
            row = out[key] = Counter()
            for (a, b), k in joint.items():
                row[(a[i], b[i])] += k
        return out

    def unit_values(self, name: str, full_only: bool = False) -> Counter[tuple[Any, ...]]:
        """The values of one field in each claim unit, counted (``value_patterns``); ``full_only``: only the
        units every annotator of the article has a claim in."""
        i = CLAIM_FIELDS.index(name)
        out: Counter[tuple[Any, ...]] = Counter()
        for (unit, full), k in self.units.items():
            if full or not full_only:
                out[tuple(labels[i] for labels in unit)] += k
        return out

    def merge(self, other: Tally) -> Tally:
        for key, ps in other.pairs.items():
            if key in self.pairs:
                self.pairs[key].merge(ps)
            else:
                self.pairs[key] = ps
        for key, joint in other.label_pairs.items():
            self.label_pairs.setdefault(key, Counter()).update(joint)
        self.units.update(other.units)
        self.pieces.update(other.pieces)
        self.skipped.update(other.skipped)
        return self


@dataclass(frozen=True)
class Job:
    """What every worker reads: the articles to compare and who opened them."""

    store: Store
    shared: dict[str, frozenset[str]]  # article id -> annotators who opened it (two or more)
    current: dict[str, str]  # article id -> the sha256 of its current text
    everyone: dict[str, int]  # articles every compared annotator opened (alpha_U's continuum) -> length
    names: tuple[str, ...]  # every compared annotator


def tally(job: Job, workers: int | None = None) -> Tally:
    """The ``Tally`` of every shared article, counted in ``workers`` processes (None: one per core, in
    one process when the store is small)."""
    buckets = sorted({bucket_of(aid) for aid in job.shared})
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(job.shared) >= PARALLEL_FROM else 1
    workers = min(workers, len(buckets))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _tally_buckets(job, buckets)
    global _JOB
    _JOB = job  # the forked workers find it here (not pickled: the store and dicts are shared as forked)
    shares = [buckets[k::workers] for k in range(workers)]
    try:
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            others = pool.map_async(_worker, shares[1:])
            total = _tally_buckets(job, shares[0])  # this process counts a share too, meanwhile
            for part in others.get():
                total.merge(part)
    finally:
        _JOB = None
    return total


_JOB: Job | None = None


def _worker(buckets: list[str]) -> Tally:
    assert _JOB is not None
    return _tally_buckets(_JOB, buckets)


def _tally_buckets(job: Job, buckets: Sequence[str]) -> Tally:
    store, shared, current = job.store, job.shared, job.current
    before = dict(store.skipped)
    claims: dict[tuple[str, str], list[Claim]] = {}
    for c in store.all_claims(buckets=buckets):
        if c.annotator in shared.get(c.article_id, ()) and current.get(c.article_id) == c.text_sha256:
            claims.setdefault((c.article_id, c.annotator), []).append(c)
    out = Tally()
    wanted = set(buckets)
    type_counts = {key: _count_types(cs) for key, cs in claims.items()}  # once per layer, not per pair
    matched_labels: dict[tuple[str, str], list[tuple[Labels, Labels]]] = {}
    units: list[tuple[tuple[Labels, ...], bool]] = []  # counted once at the end (one C-level pass)
    for aid in sorted(shared):
        if bucket_of(aid) in wanted:
            _tally_article(out, aid, sorted(shared[aid]), claims, type_counts, matched_labels, units)
            if aid in job.everyone:
                spans = {w: [(c.start, c.end, c.type) for c in claims.get((aid, w), [])] for w in job.names}
                out.pieces[aid] = piece(spans, 0, job.everyone[aid])
    out.label_pairs = {key: Counter(found) for key, found in matched_labels.items()}
    out.units = Counter(units)
    out.skipped = {k: v for k, v in store.skipped.items() if before.get(k) != v}
    return out


def _tally_article(out: Tally, aid: str, who: list[str], claims: dict[tuple[str, str], list[Claim]],
                   type_counts: dict[tuple[str, str], dict[str, int]],
                   matched_labels: dict[tuple[str, str], list[tuple[Labels, Labels]]],
                   units: list[tuple[tuple[Labels, ...], bool]]) -> None:
    """Adds one article's span counts to ``out``, its matched claims' labels to ``matched_labels`` and
    its claim units to ``units``."""
    no_types: dict[str, int] = {}
    labels = {c.id: (c.stance, c.type, c.target) for w in who for c in claims.get((aid, w), ())}  # CLAIM_FIELDS
    matchings: list[list[tuple[Claim, Claim]]] = []
    for x, y in combinations(who, 2):
        a, b = claims.get((aid, x), []), claims.get((aid, y), [])
        ps = out.pairs.get((x, y))
        if ps is None:
            ps = out.pairs[(x, y)] = PairSpans((x, y), 0)
        ps.articles += 1
        ps.exact.add(exact_matches(a, b), len(a), len(b))
        found = candidates(a, b)
        matched = match_claims(a, b, found)
        matchings.append(matched)
        ps.overlap.add(len(matched), len(a), len(b))
        n_a, n_b = type_counts.get((aid, x), no_types), type_counts.get((aid, y), no_types)
        per_type = matches_per_type(a, b, found)
        for t in n_a.keys() | n_b.keys():
            ps.by_type.setdefault(t, SpanCounts()).add(per_type.get(t, 0), n_a.get(t, 0), n_b.get(t, 0))
        found_labels = matched_labels.get((x, y))
        if found_labels is None:
            found_labels = matched_labels[(x, y)] = []
        found_labels += [(labels[ca.id], labels[cb.id]) for ca, cb in matched]
    units += [(tuple(labels[c.id] for c in unit if c is not None), None not in unit)
              for unit in _claim_units(who, claims, aid, matchings)]


def _count_types(claims: list[Claim]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in claims:
        out[c.type] = out.get(c.type, 0) + 1
    return out


def _claim_units(who: list[str], claims: dict[tuple[str, str], list[Claim]], aid: str,
                 matched: list[list[tuple[Claim, Claim]]]) -> list[list[Claim | None]]:
    """Units of one claim across all annotators of one article: claims joined by the pairwise matches
    (``matched``: every pair's ``match_claims``), one claim per annotator (None: no matching claim);
    a unit needs two annotators' claims."""
    parent: dict[str, str] = {}

    def root(cid: str) -> str:
        while parent.get(cid, cid) != cid:
            cid = parent[cid]
        return cid

    for pairs in matched:
        for a, b in pairs:
            ra, rb = root(a.id), root(b.id)
            if ra != rb:
                parent[rb] = ra
    groups: dict[str, list[Claim | None]] = {}
    for i, w in enumerate(who):
        for c in claims.get((aid, w), []):
            unit = groups.setdefault(root(c.id), [None] * len(who))
            if unit[i] is None:
                unit[i] = c
    return [u for u in groups.values() if sum(c is not None for c in u) >= 2]

