"""Issue 13: links between claims of two articles, per annotator: saved whole and logged, checked and put
back by claimtag check like any other record, exported as pairs."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

import pytest

from annotations.errors import StoreError
from annotations.formats.export import run_export
from annotations.models import Claim, Link
from annotations.store import Store

A, B = "000_ecb1173961431c24", "001_7a089fa4fc1eff1a"


def claim(store: Store, aid: str, who: str, start: int, end: int, stance: str = "favor") -> Claim:
    art = store.article(aid)
    text = store.text(art.sha256)
    return store.save_claim(Claim(Store.new_claim_id(), aid, art.sha256, start, end, text[start:end], "fact", stance,
                                  "Chinese AI", who))


def test_a_link_is_saved_listed_checked_and_removed(seeded_store):
    a, b = claim(seeded_store, A, "alice", 0, 13), claim(seeded_store, B, "alice", 0, 12, "against")
    link = seeded_store.save_link(Link("l1", A, a.id, B, b.id, "contradicts", "alice"))
    assert link.created and seeded_store.all_links() == [link] and seeded_store.all_links("bob") == []
    with pytest.raises(StoreError, match="has no claim"):
        seeded_store.save_link(Link("l2", A, a.id, B, "nope", "same", "alice"))
    with pytest.raises(StoreError, match="has no claim"):  # another annotator's claim is not theirs to link
        seeded_store.save_link(Link("l3", A, a.id, B, b.id, "same", "bob"))
    assert seeded_store.check() == []
    # a lost acknowledged link (a bucket file rolled back by hand) is reported and put back
    path = seeded_store.root / "links"
    saved = {p.name: p.read_bytes() for p in path.glob("*.json")}
    for p in path.glob("*.json"):
        p.write_text('{"links": {}}')
    problems = seeded_store.check()
    assert any("l1" in p for p in problems)
    seeded_store.check(repair=True)
    assert seeded_store.all_links() == [link] and saved
    assert seeded_store.delete_link(link) and seeded_store.all_links() == []


def test_pairs_export_writes_both_claims_of_each_link(seeded_store, tmp_path):
    a, b = claim(seeded_store, A, "alice", 0, 13), claim(seeded_store, B, "alice", 0, 12, "against")
    seeded_store.save_link(Link("l1", A, a.id, B, b.id, "contradicts", "alice"))
    out = tmp_path / "pairs.jsonl"
    err = io.StringIO()
    assert run_export(seeded_store, SimpleNamespace(format="pairs", annotator=None, status=None, output=out,
                                                    allow_stale=False), err=err) == 0
    (rec,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert rec["relation"] == "contradicts" and rec["annotator"] == "alice" and rec["link_id"] == "l1"
    assert (rec["a"]["doc_id"], rec["a"]["text"], rec["a"]["stance"]) == (A, a.quote, "favor")
    assert (rec["b"]["doc_id"], rec["b"]["start"], rec["b"]["end"], rec["b"]["stance"]) == (B, 0, 12, "against")
    native = tmp_path / "native.jsonl"
    assert run_export(seeded_store, SimpleNamespace(format="native", annotator=None, status=None, output=native,
                                                    allow_stale=False), err=err) == 0
    recs = {r["doc_id"]: r for r in map(json.loads, native.read_text(encoding="utf-8").splitlines())}
    assert recs[A]["claims"][0]["links"] == ["l1"] and recs[B]["claims"][0]["links"] == ["l1"]


def test_pairs_come_back_through_import_claims_and_links_alike(seeded_store, tmp_path):
    from annotations.formats.importing import run_import
    from tests.conftest import seed_articles

    a, b = claim(seeded_store, A, "alice", 0, 13), claim(seeded_store, B, "alice", 0, 12, "against")
    seeded_store.save_link(Link("l1", A, a.id, B, b.id, "same", "alice"))
    first = tmp_path / "pairs.jsonl"

    def export_pairs(store: Store, out) -> str:
        assert run_export(store, SimpleNamespace(format="pairs", annotator=None, status=None, output=out,
                                                 allow_stale=False), err=io.StringIO()) == 0
        return out.read_text(encoding="utf-8")

    text = export_pairs(seeded_store, first)
    fresh = Store(tmp_path / "fresh")
    fresh.add_articles(seed_articles())  # pairs carry quotes, not whole texts: the articles come first
    err = io.StringIO()
    assert run_import(fresh, SimpleNamespace(file=first, format="pairs", annotator=None), err=err) == 0
    assert "1 record(s) imported (1 thing(s) saved)" in err.getvalue()
    assert fresh.all_links() == seeded_store.all_links()
    assert {c.id for c in fresh.all_claims()} == {a.id, b.id}
    assert export_pairs(fresh, tmp_path / "again.jsonl") == text
    err = io.StringIO()
    assert run_import(fresh, SimpleNamespace(file=first, format="pairs", annotator=None), err=err) == 0
    assert "(0 thing(s) saved)" in err.getvalue()  # again: nothing changes
    bad = tmp_path / "bad.jsonl"
    rec = json.loads(text)
    rec["b"]["doc_id"] = "no-such-article"
    bad.write_text(json.dumps(rec) + "\n" + json.dumps({**rec, "relation": "friends"}) + "\n")
    err = io.StringIO()
    assert run_import(Store(tmp_path / "x"), SimpleNamespace(file=bad, format="pairs", annotator=None), err=err) == 1
    assert f"{bad}:1: a: article {A} is not in the store" in err.getvalue()
    assert f"{bad}:2: relation must be one of same, related, contradicts" in err.getvalue()


def test_links_read_once_are_read_again_when_another_process_changes_them(seeded_store):
    """all_links keeps its parse until a links file changes (it is asked on every key in review)."""
    other = Store(seeded_store.root)  # another process's view of the same store
    assert other.all_links() == []
    a, b = claim(seeded_store, A, "alice", 0, 13), claim(seeded_store, B, "alice", 0, 12)
    link = seeded_store.save_link(Link("l1", A, a.id, B, b.id, "same", "alice"))
    assert other.all_links() == [link]
    seeded_store.delete_link(link)
    assert other.all_links() == []
