"""Adding files to a store (``add_paths``): what it reports, re-adding, new versions, refusals."""

from __future__ import annotations

import io

from test_corpus import SEEDS, write

from annotations.corpus import add_paths
from annotations.models import Claim
from annotations.store import Store


def run_add(store, paths):
    out, err = io.StringIO(), io.StringIO()
    status = add_paths(store, paths, out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_add_seeds_then_again_unchanged(tmp_path):
    store = Store(tmp_path / "store")
    status, out, err = run_add(store, [SEEDS])
    assert (status, out, err) == (0, "added 5, unchanged 0, new version 0, refused 0\n", "")
    assert len(store.articles()) == 5
    for art in store.articles():
        raw = (SEEDS / f"{art.id}.txt").read_text(encoding="utf-8")
        assert store.text(art.sha256) == raw.replace("\r\n", "\n")
    files = {p: p.stat().st_mtime_ns for p in store.root.rglob("*") if p.is_file()}
    status, out, err = run_add(store, [SEEDS])
    assert (status, out, err) == (0, "added 0, unchanged 5, new version 0, refused 0\n", "")
    # `claimtag PATH` re-adds on every start: nothing is written, not even a lock file
    assert {p: p.stat().st_mtime_ns for p in store.root.rglob("*") if p.is_file()} == files


def test_changed_version_reports_stale_claims(tmp_path):
    store = Store(tmp_path / "store")
    p = write(tmp_path / "art.txt", "Headline\nThe minister said taxes will rise. Critics disagree.\n")
    assert run_add(store, [p])[0] == 0
    art = store.article("art")
    text = store.text(art.sha256)
    for quote in ("taxes will rise", "Critics disagree"):
        start = text.index(quote)
        store.save_claim(Claim(Store.new_claim_id(), "art", art.sha256, start, start + len(quote), quote,
                               "fact", "neutral", "US AI policy", "ann"))
    write(p, "Headline\nThe minister said taxes will fall. Critics disagree.\n")
    other = write(tmp_path / "other.txt", "Another one.")
    status, out, err = run_add(store, [p, other, tmp_path / "missing.txt"])
    assert status == 1
    assert out == "added 1, unchanged 0, new version 1 (2 claims need review: text changed), refused 1\n"
    assert "'art'" in err and "2 claims" in err and "need review" in err
    assert f"refused {tmp_path / 'missing.txt'}: no such file" in err
    assert len(store.stale_claims()) == 2
    assert store.article("art").old_versions == (art.sha256,)


def test_add_reports_refusals_and_still_adds(tmp_path):
    store = Store(tmp_path / "store")
    write(tmp_path / "in" / "good.txt", "Good.")
    write(tmp_path / "in" / "bad.txt", b"\x00\x01")
    write(tmp_path / "in" / "ctl.txt", "Has \x1b[31m escape.")
    status, out, err = run_add(store, [tmp_path / "in"])
    assert status == 1
    assert out == "added 2, unchanged 0, new version 0, refused 1\n"
    lines = err.splitlines()
    assert f"refused {tmp_path / 'in' / 'bad.txt'}: binary file (NUL byte at byte offset 0)" in lines
    assert any("1 control character removed" in line for line in lines)
    assert {a.id for a in store.articles()} == {"good", "ctl"}


def test_add_nothing_readable_exits_1(tmp_path):
    store = Store(tmp_path / "store")
    status, out, _ = run_add(store, [tmp_path / "nothing-here"])
    assert status == 1 and out == "added 0, unchanged 0, new version 0, refused 1\n"
