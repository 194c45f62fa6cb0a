"""The coefficients against published values (issue 9): Krippendorff (2011), Fleiss (1971), Cohen (1960)."""

from __future__ import annotations

import pytest

from annotations.metrics.coefficients import cohen_kappa, fleiss_kappa, krippendorff_alpha

_ = None
# Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011): 4 coders x 12 units, missing data
RELIABILITY = [  # coder rows
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]
# Fleiss (1971): 30 subjects x 6 raters, 5 diagnoses (as in statsmodels' tests)
DIAGNOSES = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]


def units_of(rows):
    return [list(col) for col in zip(*rows)]


def test_krippendorff_four_coders_with_missing_data():
    assert krippendorff_alpha(units_of(RELIABILITY), "nominal").value == pytest.approx(0.743, abs=0.0005)
    assert krippendorff_alpha(units_of(RELIABILITY), "interval").value == pytest.approx(0.849, abs=0.0005)
    assert krippendorff_alpha(units_of(RELIABILITY)).n_units == 11  # unit 12 has one value: not pairable


def test_krippendorff_binary_two_coders():
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert krippendorff_alpha(units_of([a, b])).value == pytest.approx(0.095, abs=0.0005)


def test_fleiss_1971():
    got = fleiss_kappa(DIAGNOSES)
    assert got.value == pytest.approx(0.4302445, abs=1e-6) and got.n_units == 30 and not got.warnings


def test_cohen_1960_p45():
    table = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]  # rows: coder A's category, columns: coder B's
    a, b = [], []
    for i, row in enumerate(table):
        for j, n in enumerate(row):
            a += [i] * n
            b += [j] * n
    assert cohen_kappa(a, b).value == pytest.approx(0.492, abs=0.0005)


def test_degenerate_input_is_a_reason_not_nan():
    one = cohen_kappa(["x", "x", "x"], ["x", "x", "x"])
    assert one.value == 1.0 and "one category only" in one.reason  # 0/0 by the formula: said, not NaN
    assert krippendorff_alpha([[1, 1], [1, 1]]).value == 1.0 and fleiss_kappa([[2, 2], [2, 2]]).value == 1.0
    nothing = cohen_kappa([None, "x"], ["y", None])
    assert nothing.value is None and "no unit" in nothing.reason
    assert krippendorff_alpha([[1], [2]]).value is None  # one coder: nothing pairable
    assert fleiss_kappa([]).value is None
    assert cohen_kappa(["a", "b"], ["a", "b"]).warnings  # 2 units: a rough figure, said so


def test_none_is_missing_not_a_category():
    with_none = cohen_kappa(["a", "b", None, "a"], ["a", "b", None, "b"])
    assert with_none.n_units == 3
    assert with_none.value == cohen_kappa(["a", "b", "a"], ["a", "b", "b"]).value


def test_unitized_alpha_krippendorff_2004_p254():
    from annotations.metrics.unitized import unitized_alpha

    coders = {  # (start, end, category) on the continuum 150..450
        "i": [(225, 295, "c"), (370, 400, "c"), (180, 240, "k"), (300, 350, "k")],
        "j": [(220, 300, "c"), (355, 375, "c"), (400, 420, "c"), (180, 240, "k"), (300, 350, "k")],
    }
    got = unitized_alpha(coders, 150, 300)
    assert got.overall.value == pytest.approx(0.8591, abs=0.0005)
    assert got.by_category["c"].value == pytest.approx(0.7286, abs=0.001)
    assert got.by_category["k"].value == pytest.approx(1.0, abs=0.0001)
    assert unitized_alpha({"i": coders["i"]}, 150, 300).overall.value is None  # one coder: a reason
