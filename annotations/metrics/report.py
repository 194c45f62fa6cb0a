"""The store's agreement figures (``claimtag agree``), in three families never mixed into one number:

1. spans: pairwise F1 per annotator pair, exact offsets and overlap, and overlap F1 per claim type;
   Krippendorff's unitized alpha (claim types as categories) over the characters of the articles every
   compared annotator opened, one after another;
2. labels of matched claims (stance, type, target): Cohen's kappa per pair, Fleiss' kappa (units every
   annotator has a claim in), Krippendorff's alpha (nominal, missing data allowed) - only on claims
   matched across annotators (``spans.match_claims``);
3. article labels, per label set: Cohen's kappa per pair, Krippendorff's alpha.

What counts (said in the output): an article an annotator never opened (no state beyond "todo" and no
claim) is not data for them; only the current text of an article is compared (claims left on an older
text are not); span F1 is pooled over articles (sums of matches and claims), not an average of
per-article scores; an unset article label of an opened article is a missing value, not a category; a
multi-choice label set's values are compared as one set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from ..models import GOLD, Claim, opened
from ..store import Store
from .coefficients import Agreement, cohen_kappa, fleiss_kappa, krippendorff_alpha
from .spans import SpanCounts, candidates, exact_matches, match_claims, matches_per_type
from .unitized import UnitizedAlpha, unitized_alpha

CLAIM_FIELDS = ("stance", "type", "target")
TREATMENT = ("an article an annotator never opened is not data; only current texts are compared; span F1 is "
             "pooled over articles (not a mean of per-article scores); labels of claims are compared only on "
             "claims matched by overlap; an unset article label is missing, not a category")


@dataclass
class PairSpans:
    pair: tuple[str, str]
    articles: int
    exact: SpanCounts = field(default_factory=SpanCounts)
    overlap: SpanCounts = field(default_factory=SpanCounts)
    by_type: dict[str, SpanCounts] = field(default_factory=dict)


@dataclass
class AgreementReport:
    annotators: list[str]
    articles_compared: int  # opened by two or more annotators
    spans: list[PairSpans]
    claim_labels: dict[str, dict[str, Agreement]]  # field -> {"A/B": kappa, "fleiss": ..., "alpha": ...}
    article_labels: dict[str, dict[str, Agreement]]  # label set -> {"A/B": kappa, "alpha": ...}
    unitized: UnitizedAlpha | None = None  # alpha_U over the articles every annotator opened
    unitized_articles: int = 0
    treatment: str = TREATMENT

    def to_json(self) -> dict[str, Any]:
        def span_row(p: PairSpans) -> dict[str, Any]:
            def counts(c: SpanCounts) -> dict[str, Any]:
                return {"f1": None if c.f1 is None else round(c.f1, 6), "matched": c.matched,
                        "claims": [c.n_a, c.n_b]}
            return {"pair": list(p.pair), "articles": p.articles, "exact": counts(p.exact),
                    "overlap": counts(p.overlap), "by_type": {t: counts(c) for t, c in sorted(p.by_type.items())}}
        unitized = None if self.unitized is None else {
            "articles": self.unitized_articles, "overall": self.unitized.overall.to_json(),
            "by_type": {t: a.to_json() for t, a in self.unitized.by_category.items()}}
        return {"annotators": self.annotators, "articles_compared": self.articles_compared,
                "treatment": self.treatment, "spans": [span_row(p) for p in self.spans], "alpha_u": unitized,
                "claim_labels": {f: {k: a.to_json() for k, a in v.items()} for f, v in self.claim_labels.items()},
                "article_labels": {f: {k: a.to_json() for k, a in v.items()} for f, v in self.article_labels.items()}}


def _opened(store: Store, annotators: Sequence[str] | None) -> dict[str, dict[str, Any]]:
    """article id -> {annotator: state} for the annotators who opened it (not data otherwise)."""
    out: dict[str, dict[str, Any]] = {}
    for s in store.states():
        if (annotators and s.annotator not in annotators) or (not annotators and s.annotator == GOLD):
            continue  # gold is compared only when asked for by name (--annotator gold)
        if opened(s):
            out.setdefault(s.article_id, {})[s.annotator] = s
    return out


def agreement(store: Store, annotators: Sequence[str] | None = None) -> AgreementReport:
    opened = _opened(store, annotators)
    articles = {a.id: a for a in store.articles()}  # one scan: current texts and lengths
    current = {aid: a.sha256 for aid, a in articles.items()}
    claims: dict[tuple[str, str], list[Claim]] = {}
    for c in store.all_claims():
        if c.annotator in opened.get(c.article_id, {}) and current.get(c.article_id) == c.text_sha256:
            claims.setdefault((c.article_id, c.annotator), []).append(c)
    shared = {aid: states for aid, states in opened.items() if len(states) >= 2 and aid in current}
    names = sorted({who for states in shared.values() for who in states})
    pairs: dict[tuple[str, str], PairSpans] = {}
    label_pairs: dict[str, dict[tuple[str, str], tuple[list[Any], list[Any]]]] = {f: {} for f in CLAIM_FIELDS}
    units: dict[str, list[list[Any]]] = {f: [] for f in CLAIM_FIELDS}
    type_counts = {key: _count_types(cs) for key, cs in claims.items()}  # once per layer, not per pair
    no_types: dict[str, int] = {}
    for aid, states in sorted(shared.items()):
        who = sorted(states)
        matchings: list[list[tuple[Claim, Claim]]] = []
        for x, y in combinations(who, 2):
            a, b = claims.get((aid, x), []), claims.get((aid, y), [])
            ps = pairs.setdefault((x, y), PairSpans((x, y), 0))
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
            for f in CLAIM_FIELDS:
                la, lb = label_pairs[f].setdefault((x, y), ([], []))
                la += [getattr(ca, f) for ca, _ in matched]
                lb += [getattr(cb, f) for _, cb in matched]
        for unit in _claim_units(who, claims, aid, matchings):
            for f in CLAIM_FIELDS:
                units[f].append([None if c is None else getattr(c, f) for c in unit])
    claim_labels: dict[str, dict[str, Agreement]] = {}
    for f in CLAIM_FIELDS:
        row = {f"{x}/{y}": cohen_kappa(la, lb) for (x, y), (la, lb) in sorted(label_pairs[f].items())}
        full = [u for u in units[f] if all(v is not None for v in u)]
        row["fleiss"] = fleiss_kappa(full) if len(names) >= 2 else Agreement(None, 0, "fewer than two annotators")
        row["alpha"] = krippendorff_alpha(units[f], "nominal")
        claim_labels[f] = row
    everyone = [aid for aid in sorted(shared) if set(names) <= set(shared[aid])]
    coders: dict[str, list[tuple[int, int, str]]] = {w: [] for w in names}
    offset = 0
    for aid in everyone:  # the articles one after another: one continuum of characters
        for w in names:
            coders[w] += [(offset + c.start, offset + c.end, c.type) for c in claims.get((aid, w), [])]
        offset += articles[aid].length
    unitized = unitized_alpha(coders, 0, offset) if everyone and len(names) >= 2 else None
    return AgreementReport(names, len(shared), [pairs[k] for k in sorted(pairs)], claim_labels,
                           _article_labels(shared), unitized, len(everyone))


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


def _article_labels(shared: dict[str, dict[str, Any]]) -> dict[str, dict[str, Agreement]]:
    sets = sorted({name for states in shared.values() for s in states.values() for name in s.labels})
    names = sorted({who for states in shared.values() for who in states})
    out: dict[str, dict[str, Agreement]] = {}
    for label_set in sets:
        def value(aid: str, who: str) -> Any:
            s = shared[aid].get(who)
            vals = s.labels.get(label_set) if s is not None else None
            return "|".join(sorted(vals)) if vals else None
        row: dict[str, Agreement] = {}
        for x, y in combinations(names, 2):
            aids = [aid for aid in sorted(shared) if x in shared[aid] and y in shared[aid]]
            if aids:
                row[f"{x}/{y}"] = cohen_kappa([value(a, x) for a in aids], [value(a, y) for a in aids])
        row["alpha"] = krippendorff_alpha([[value(aid, w) for w in names] for aid in sorted(shared)], "nominal")
        out[label_set] = row
    return out
