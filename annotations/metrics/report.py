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
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from ..models import GOLD, opened
from ..store import Store
from .coefficients import (
    Agreement,
    cohen_kappa,
    cohen_kappa_counted,
    fleiss_kappa_counted,
    krippendorff_alpha,
    krippendorff_alpha_counted,
)
from .spans import SpanCounts
from .tally import CLAIM_FIELDS, Job, PairSpans, tally
from .unitized import UnitizedAlpha, joined_alpha

TREATMENT = ("an article an annotator never opened is not data; only current texts are compared; span F1 is "
             "pooled over articles (not a mean of per-article scores); labels of claims are compared only on "
             "claims matched by overlap; an unset article label is missing, not a category")


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


def agreement(store: Store, annotators: Sequence[str] | None = None, workers: int | None = None) -> AgreementReport:
    """The three families of figures (``workers``: processes for the per-article pass, see ``tally``)."""
    opened = _opened(store, annotators)
    articles = {a.id: a for a in store.articles()}  # one scan: current texts and lengths
    shared = {aid: states for aid, states in opened.items() if len(states) >= 2 and aid in articles}
    names = sorted({who for states in shared.values() for who in states})
    everyone = [aid for aid in sorted(shared) if set(names) <= set(shared[aid])]
    job = Job(store, {aid: frozenset(states) for aid, states in shared.items()},
              {aid: a.sha256 for aid, a in articles.items()}, {aid: articles[aid].length for aid in everyone},
              tuple(names))
    counted = tally(job, workers)
    store.skipped.update(counted.skipped)  # what the workers' reads left out, said like any other
    claim_labels: dict[str, dict[str, Agreement]] = {}
    for f in CLAIM_FIELDS:
        row = {f"{x}/{y}": cohen_kappa_counted(joint) for (x, y), joint in sorted(counted.joint(f).items())}
        row["fleiss"] = (fleiss_kappa_counted(counted.unit_values(f, full_only=True)) if len(names) >= 2
                         else Agreement(None, 0, "fewer than two annotators"))
        row["alpha"] = krippendorff_alpha_counted(counted.unit_values(f), "nominal")
        claim_labels[f] = row
    # the articles one after another: one continuum of characters
    unitized = joined_alpha([counted.pieces[aid] for aid in everyone], names) if everyone and len(names) >= 2 else None
    return AgreementReport(names, len(shared), [counted.pairs[k] for k in sorted(counted.pairs)], claim_labels,
                           _article_labels(shared), unitized, len(everyone))


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
