"""The coefficients against the reference libraries on random data (hypothesis): scikit-learn's
``cohen_kappa_score``, statsmodels' ``fleiss_kappa``, ``krippendorff.alpha``, where they are defined."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.metrics.coefficients import cohen_kappa, fleiss_kappa, krippendorff_alpha

krippendorff = pytest.importorskip("krippendorff")
np = pytest.importorskip("numpy")
sklearn_metrics = pytest.importorskip("sklearn.metrics")
inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")

labels = st.sampled_from(["a", "b", "c", "d"])
# the references warn (and give nan) on one-category input, where ours gives 1.0 with a reason
pytestmark = [pytest.mark.filterwarnings("ignore::UserWarning"), pytest.mark.filterwarnings("ignore::RuntimeWarning")]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(labels, labels), min_size=2, max_size=60))
def test_cohen_matches_scikit_learn(pairs):
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    ours = cohen_kappa(a, b)
    theirs = sklearn_metrics.cohen_kappa_score(a, b)
    if not math.isfinite(theirs):  # one category on both sides: 0/0, nan there, 1.0 with a reason here
        assert ours.value == 1.0 and ours.reason
        return
    assert ours.value == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 6).flatmap(lambda m: st.lists(st.lists(st.integers(0, 3), min_size=m, max_size=m),
                                                     min_size=1, max_size=40)))
def test_fleiss_matches_statsmodels(units):
    ours = fleiss_kappa(units)
    table, _ = inter_rater.aggregate_raters(np.array(units))
    theirs = inter_rater.fleiss_kappa(table)
    if len({v for u in units for v in u}) == 1:
        assert ours.value == 1.0 and ours.reason
        return
    assert ours.value == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 5).flatmap(lambda coders: st.lists(
    st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=coders, max_size=coders), min_size=2, max_size=30)),
    st.sampled_from(["nominal", "interval"]))
def test_krippendorff_matches_the_reference(units, metric):
    ours = krippendorff_alpha(units, metric)
    if ours.value is None or ours.reason:  # nothing pairable, or one value only (the reference raises there)
        return
    data = np.array([[np.nan if v is None else v for v in unit] for unit in units], dtype=float).T
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=metric)
    assert ours.value == pytest.approx(theirs, abs=1e-9)
