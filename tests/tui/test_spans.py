"""Pure tests of tui.widgets.spans: flattening highlights for drawing, whole and in part."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.style import Style

from tui.widgets.spans import _flatten_nested, flatten_spans, merge_spans, restyle, styled_bounds


def test_flatten_spans_orders_outer_to_inner():
    bounds, active = flatten_spans([(2, 5), (0, 10), (5, 8), (3, 3), (9, 99)], 12)
    assert bounds == [0, 2, 5, 8, 9, 10, 12]
    assert active == [(1,), (1, 0), (1, 2), (1,), (1, 4), (4,), ()]


def test_merge_spans():
    assert merge_spans([(5, 8), (0, 2), (1, 3), (8, 9), (4, 4)], 100) == [0, 3, 5, 9]


spans = st.lists(st.tuples(st.integers(-3, 40), st.integers(-3, 40)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(spans)
def test_flatten_spans_matches_brute_force(spans):
    length = 35
    bounds, active = flatten_spans(spans, length)
    merged = merge_spans(spans, length)
    clamp = [(min(max(a, 0), length), min(max(b, 0), length)) for a, b in spans]
    for x in range(-2, length + 3):
        covering = [i for i, (a, b) in enumerate(clamp) if a <= x < b]
        covering.sort(key=lambda i: (clamp[i][0], -clamp[i][1], i))
        k = bisect_right(bounds, x) - 1
        got = list(active[k]) if 0 <= k < len(active) else []
        assert got == covering
        assert (bisect_right(merged, x) % 2 == 1) == bool(covering)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 80), st.integers(0, 20)), max_size=30))
def test_flatten_by_clusters_matches_the_general_sweep(pairs):
    spans = [(a, a + n) for a, n in pairs]  # overlapping, nested, touching, duplicated, empty
    clamped = [(min(a, 90), min(b, 90)) for a, b in spans]
    keep = [i for i, (a, b) in enumerate(clamped) if a < b]
    assert flatten_spans(spans, 90) == _flatten_nested(clamped, keep)


@dataclass(frozen=True, eq=False)  # compared by identity, as the text view compares highlights
class H:
    start: int
    end: int
    style: Style


COLOURS = [Style(color=c) for c in ("red", "green", "blue")] + [Style(bold=True), Style(italic=True)]
highlight = st.builds(H, st.integers(-2, 45), st.integers(-2, 45), st.sampled_from(COLOURS))


def style_at(bounds, styles, x):
    k = bisect_right(bounds, x) - 1
    return styles[k] if 0 <= k < len(styles) else Style()


@settings(max_examples=500, deadline=None)
@given(st.lists(highlight, max_size=15), st.lists(highlight, max_size=4), st.data())
def test_restyle_draws_what_flattening_everything_draws(old, added, data):
    """A few highlights removed and added (overlapping, nested, touching, empty, outside the text):
    redoing only their stretch gives the same style at every offset as flattening all of them."""
    length = 40
    removed = data.draw(st.lists(st.sampled_from(old), unique_by=id, max_size=4)) if old else []
    new = [h for h in old if all(h is not r for r in removed)]
    for h in added:
        new.insert(data.draw(st.integers(0, len(new))), h)
    bounds, styles = styled_bounds(old, length)
    restyle(bounds, styles, new, removed + added, length)
    want_bounds, want_styles = styled_bounds(new, length)
    assert bounds == sorted(bounds)
    for x in range(-2, length + 3):
        assert style_at(bounds, styles, x) == style_at(want_bounds, want_styles, x), x


def test_restyle_keeps_a_neighbour_that_touches():
    left, gone, right = H(0, 5, COLOURS[0]), H(5, 8, COLOURS[1]), H(8, 12, COLOURS[2])
    bounds, styles = styled_bounds([left, gone, right], 20)
    restyle(bounds, styles, [left, right], [gone], 20)
    assert [style_at(bounds, styles, x) for x in (4, 5, 7, 8, 11, 12)] == [
        COLOURS[0], Style(), Style(), COLOURS[2], COLOURS[2], Style()]
