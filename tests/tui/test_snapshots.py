"""SVG snapshots of the list, the reader and help at 80x24 and 160x48 (pytest-textual-snapshot).

Update after an intended change with: python3 dev.py test tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from annotations.editing import ArticleSession
from tui.app import ClaimtagApp

SIZES = [(80, 24), (160, 48)]
OBSERVERS = "001_7a089fa4fc1eff1a"


@pytest.fixture
def annotated_app(seeded_store, schema):
    """The seeds with a few claims and labels by alice, as after some work."""
    article = seeded_store.article(OBSERVERS)
    session = ArticleSession(seeded_store, schema, article, "alice")
    session.tag("favor")
    session.move_sentence(2)
    session.tag("against", "opinion")
    session.move_sentence(1)
    session.extend_end(-3)
    session.tag("neutral", "prediction")
    session.toggle_label("frame", "economic")
    seeded_store.set_state("000_ecb1173961431c24", "alice", status="done")
    return ClaimtagApp(seeded_store, schema, "alice")


async def open_second(pilot):
    await pilot.pause()
    await pilot.press("j", "enter", "j", "j")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_article_list(annotated_app, snap_compare, size):
    assert snap_compare(annotated_app, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reader(annotated_app, snap_compare, size):
    assert snap_compare(annotated_app, terminal_size=size, run_before=open_second)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(annotated_app, snap_compare, size):
    async def open_help(pilot):
        await open_second(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(annotated_app, terminal_size=size, run_before=open_help)


@pytest.fixture
def review_app(review_store, schema):
    return ClaimtagApp(review_store, schema, "lead", role="reviewer")


async def review_rows_read(pilot):
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_review_list(review_app, snap_compare, size):
    assert snap_compare(review_app, terminal_size=size, run_before=review_rows_read)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_review_reader(review_app, snap_compare, size):
    """OBSERVERS at its conflict (boundary + stance), bob's variant picked into gold."""
    async def review_conflict(pilot):
        await review_rows_read(pilot)
        await pilot.press("j", "enter", "n", "v", "enter")
        await pilot.pause()
        pilot.app.screen.writer.flush()  # saved by the review writer's thread: its "saved" message first
        await pilot.pause()
        pilot.app.screen.query_one("StatusBar").say("")  # the save time would change every run

    assert snap_compare(review_app, terminal_size=size, run_before=review_conflict)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_compare(annotated_app, snap_compare, size):
    """000 beside 001 (stacked at 80 columns), 000's HSBC sentence aligned to 001's, differing words marked."""
    annotated_app.compare = ("000_ecb1173961431c24", OBSERVERS)

    async def to_hsbc(pilot):
        await pilot.pause()
        await pilot.press(*"jjjjj")
        await pilot.pause()

    assert snap_compare(annotated_app, terminal_size=size, run_before=to_hsbc)
