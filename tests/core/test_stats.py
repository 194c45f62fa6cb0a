"""`claimtag stats`: the numbers (compute_stats) and the two printed tables, names printed literally."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from annotations import cli
from annotations.cli.stats import print_stats
from annotations.models import Claim, NewArticle
from annotations.stats import compute_stats
from annotations.store import Store

CLAIMTAG = Path(sys.executable).parent / "claimtag"
BOLD = "[bold]bob[/bold]"  # an annotator name that is also rich markup


def claim(store: Store, article_id: str, annotator: str, start: int, type_: str, stance: str) -> Claim:
    art = store.article(article_id)
    text = store.text(art.sha256)
    return store.save_claim(Claim(store.new_claim_id(), article_id, art.sha256, start, start + 5,
                                  text[start:start + 5], type_, stance, "Chinese AI", annotator))


@pytest.fixture
def worked(seeded_store) -> Store:
    """alice: 2 done, 1 in progress, 4 claims; [bold]bob: 1 done, 2 claims, one of them stale."""
    ids = [a.id for a in seeded_store.articles()]
    claim(seeded_store, ids[0], "alice", 0, "fact", "favor")
    claim(seeded_store, ids[0], "alice", 10, "fact", "against")
    claim(seeded_store, ids[1], "alice", 0, "opinion", "favor")
    claim(seeded_store, ids[2], "alice", 0, "prediction", "neutral")
    seeded_store.set_state(ids[0], "alice", status="done")
    seeded_store.set_state(ids[1], "alice", status="done")  # ids[2]: in progress (it has a claim)
    claim(seeded_store, ids[3], BOLD, 0, "opinion", "against")
    claim(seeded_store, ids[4], BOLD, 0, "fact", "favor")
    seeded_store.set_state(ids[4], BOLD, status="done")
    old = seeded_store.article(ids[4])
    seeded_store.add_articles([NewArticle(old.id, old.title, old.source, "A new text. " * 20, {})])
    return seeded_store


def test_compute_stats_numbers(worked):
    stats = compute_stats(worked)
    assert stats.n_articles == 5
    assert dict(stats.status_by_annotator["alice"]) == {"todo": 2, "in progress": 1, "done": 2}
    assert dict(stats.status_by_annotator[BOLD]) == {"todo": 3, "in progress": 1, "done": 1}
    assert stats.claims_by_annotator == {"alice": 4, BOLD: 2}
    assert stats.types == {"fact": 3, "opinion": 2, "prediction": 1}
    assert stats.stances == {"favor": 3, "against": 2, "neutral": 1}
    assert stats.type_stance[("fact", "favor")] == 2 and stats.type_stance[("opinion", "against")] == 1
    assert stats.stale == 1
    only = compute_stats(worked, "alice")
    assert list(only.status_by_annotator) == ["alice"] and only.claims_by_annotator == {"alice": 4}
    assert only.stale == 0 and sum(only.types.values()) == 4


def test_compute_stats_of_an_annotator_who_did_nothing(worked):
    stats = compute_stats(worked, "carol")
    assert dict(stats.status_by_annotator["carol"]) == {"todo": 5}
    assert stats.claims_by_annotator["carol"] == 0 and not stats.types


def cells(output: str, first: str) -> list[str]:
    """The cells of the table row (or header: ┃) whose first cell is ``first``."""
    for line in output.splitlines():
        parts = [p.strip() for p in line.replace("┃", "│").split("│")]
        if len(parts) > 2 and parts[1] == first:
            return parts[2:-1]
    raise AssertionError(f"no row {first!r} in:\n{output}")


def run_stats(store: Store, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("CLAIMTAG_STORE", None)
    return subprocess.run([str(CLAIMTAG), "stats", "--store", str(store.root), *args], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, env=env, timeout=60, cwd=store.root.parent)


def test_claimtag_stats_prints_both_tables(worked):
    stats = compute_stats(worked)
    done = run_stats(worked)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Progress (5 articles)" in out and "Claims by type and stance" in out
    for name in ("alice", BOLD):  # the markup-like name is printed as it is, not as bold "bob"
        counts = stats.status_by_annotator[name]
        n = stats.claims_by_annotator[name]
        assert cells(out, name) == [str(counts["todo"]), str(counts["in progress"]), str(counts["done"]), str(n),
                                    f"{100 * counts['done'] / 5:.0f}%"]
    header = cells(out, "type")
    assert header == ["favor", "against", "neutral", "total"]  # the schema's order
    for t in ("fact", "opinion", "prediction"):
        assert cells(out, t) == [str(stats.type_stance[(t, s)]) for s in header[:-1]] + [str(stats.types[t])]
    assert cells(out, "total") == ["3", "2", "1", "6"]
    assert "1 claim was made on an older text of its article and needs review" in out


def test_stats_for_one_annotator(worked):
    done = run_stats(worked, "--annotator", "alice")
    assert cells(done.stdout, "alice") == ["2", "1", "2", "4", "40%"]
    assert BOLD not in done.stdout
    assert cells(done.stdout, "total") == ["2", "1", "1", "4"]
    nobody = run_stats(worked, "--annotator", "carol")
    assert cells(nobody.stdout, "carol") == ["5", "0", "0", "0", "0%"]


def test_stats_of_a_store_nobody_worked_on(seeded_store):
    done = run_stats(seeded_store)
    assert done.returncode == 0
    assert "Progress (5 articles)" in done.stdout and "no annotator has saved anything yet" in done.stdout
    assert cells(done.stdout, "total") == ["0", "0", "0", "0"]


def test_names_with_control_characters_are_shown_escaped(seeded_store):
    evil = "ev\x1b[2Jil\x1b]0;title\x07"
    seeded_store.set_state(seeded_store.articles()[0].id, evil, status="done")
    console = Console(file=io.StringIO(), width=200, force_terminal=True, color_system="truecolor")
    print_stats(seeded_store, console=console)
    out = console.file.getvalue()
    assert "\x1b[2J" not in out and "\x1b]0;" not in out and "\x07" not in out
    assert "ev\\x1b[2Jil\\x1b]0;title\\x07" in out


def test_stats_on_a_corrupt_store_is_one_line(seeded_store, capsys):
    bucket = next((seeded_store.root / "corpus").glob("*.json"))
    bucket.write_text("{")
    assert cli.main(["stats", "--store", str(seeded_store.root)]) == 1  # the other buckets are counted
    out, err = capsys.readouterr()
    err_lines = [line for line in err.splitlines() if line]
    assert len(err_lines) == 1 and str(bucket) in err_lines[0] and "skipped corpus/" in err_lines[0]
    assert "4" in out
