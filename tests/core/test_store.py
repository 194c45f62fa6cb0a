"""Store unit tests: claims, states, progress, versions, the change log, check(), schema version."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotations.errors import StoreError
from annotations.models import Claim, NewArticle
from annotations.store import STORE_MARKER, Store, bucket_of
from annotations.text.normalize import sha256_text

TEXT_A = "Beijing said the chips are ready. Washington disagreed 【Text by Observers Network】 😀 today."
TEXT_B = "A second article about open models.\nIt has two lines."


def make_claim(store: Store, article_id: str, start: int, end: int, annotator: str = "alice", **kw) -> Claim:
    art = store.article(article_id)
    text = store.text(art.sha256)
    fields = dict(id=Store.new_claim_id(), article_id=article_id, text_sha256=art.sha256, start=start, end=end,
                  quote=text[start:end], type="fact", stance="favor", target="Chinese AI", annotator=annotator)
    fields.update(kw)
    return Claim(**fields)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "store")
    results = s.add_articles([NewArticle("a", "Article A", "a.txt", TEXT_A, {"url": "u"}),
                              NewArticle("b", "Article B", "b.txt", TEXT_B, {})])
    assert sorted((r.article_id, r.outcome) for r in results) == [("a", "added"), ("b", "added")]
    return s


def log_entries(store: Store, annotator: str) -> list[dict]:
    path = store.root / "log" / f"{annotator}.jsonl"
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [e for e in entries if "op" in e]  # not the "applied" markers


def test_save_get_replace_delete_claim(store: Store):
    c = store.save_claim(make_claim(store, "a", 0, 7))
    assert c.created and c.updated == c.created
    assert store.claims("a") == [c] and store.claims("a", "alice") == [c] and store.claims("a", "bob") == []
    assert store.claims("b") == []
    later = store.save_claim(make_claim(store, "a", 8, 12))
    first = store.save_claim(make_claim(store, "a", 0, 3))
    assert [x.id for x in store.claims("a")] == [first.id, c.id, later.id]  # text order
    edited = store.save_claim(replace(c, stance="against", note="n"))
    assert edited.created == c.created and edited.updated > c.updated
    assert [x for x in store.claims("a") if x.id == c.id] == [edited]
    assert len(store.claims("a")) == 3 and len(list(store.all_claims())) == 3
    assert store.delete_claim("a", c.id, "alice") == edited
    assert store.delete_claim("a", c.id, "alice") is None
    assert [x.id for x in store.claims("a")] == [first.id, later.id]


def test_states_and_progress(store: Store):
    assert store.state("a", "alice").status == "todo" and store.state("a", "alice").n_claims == 0
    c1 = store.save_claim(make_claim(store, "a", 0, 7))
    assert store.state("a", "alice").status == "in progress" and store.state("a", "alice").n_claims == 1
    st = store.set_state("a", "alice", status="done", labels={"stance": ["favor"]})
    assert (st.status, st.labels) == ("done", {"stance": ["favor"]})
    store.save_claim(make_claim(store, "a", 8, 12))
    st = store.state("a", "alice")
    assert (st.status, st.n_claims, st.labels) == ("done", 2, {"stance": ["favor"]})  # a save keeps "done"
    store.delete_claim("a", c1.id, "alice")
    assert store.state("a", "alice").n_claims == 1
    store.save_claim(make_claim(store, "b", 0, 1, annotator="bob"))
    prog = {p.article.id: (p.status, p.n_claims) for p in store.progress("alice")}
    assert prog == {"a": ("done", 1), "b": ("todo", 0)}
    assert [p.article.id for p in store.progress("bob")] == ["a", "b"]
    assert {p.article.id: p.n_claims for p in store.progress("bob")} == {"a": 0, "b": 1}
    assert store.annotators() == ["alice", "bob"]
    assert {(s.article_id, s.annotator) for s in store.states()} == {("a", "alice"), ("b", "bob")}
    with pytest.raises(StoreError, match="status"):
        store.set_state("a", "alice", status="finished")


def test_returned_records_are_copies(store: Store):
    store.set_state("a", "alice", labels={"frame": ["economic"]})
    store.state("a", "alice").labels["frame"].append("security")
    store.article("a").meta["url"] = "changed"
    assert store.state("a", "alice").labels == {"frame": ["economic"]}
    assert store.article("a").meta == {"url": "u"}


def test_new_version_leaves_stale_claims_on_old_text(store: Store):
    old = store.article("a")
    c = store.save_claim(make_claim(store, "a", 0, 7))
    assert store.add_articles([NewArticle("a", "Article A", "a.txt", TEXT_A, {})])[0].outcome == "unchanged"
    new_text = "Breaking: " + TEXT_A
    res = store.add_articles([NewArticle("a", "Article A", "a.txt", new_text, {})])
    assert (res[0].outcome, res[0].stale_claims) == ("new version", 1)
    art = store.article("a")
    assert art.sha256 == sha256_text(new_text) and art.old_versions == (old.sha256,)
    assert store.text(old.sha256) == TEXT_A and store.text(art.sha256) == new_text
    assert store.stale_claims() == [c] and store.stale_claims("bob") == []
    assert store.claims("a") == [c]  # kept, never shifted
    assert c.quote == store.text(c.text_sha256)[c.start:c.end]
    fresh = store.save_claim(make_claim(store, "a", 0, 9))
    assert store.stale_claims() == [c] and fresh.quote == "Breaking:"


@pytest.mark.parametrize("start,end", [(-1, 3), (5, 5), (7, 3), (0, len(TEXT_A) + 1)])
def test_out_of_range_refused(store: Store, start: int, end: int):
    bad = replace(make_claim(store, "a", 0, 3), start=start, end=end, quote="x")
    with pytest.raises(StoreError, match="outside the text"):
        store.save_claim(bad)
    assert store.claims("a") == [] and not (store.root / "log" / "alice.jsonl").exists()


def test_quote_mismatch_refused(store: Store):
    bad = replace(make_claim(store, "a", 0, 7), quote="Beijinx")
    with pytest.raises(StoreError, match="quote does not match"):
        store.save_claim(bad)
    unknown = replace(make_claim(store, "a", 0, 7), text_sha256="0" * 64)
    with pytest.raises(StoreError, match="missing"):
        store.save_claim(unknown)
    assert store.claims("a") == [] and store.state("a", "alice").n_claims == 0


def test_change_log_has_before_and_after(store: Store):
    c = store.save_claim(make_claim(store, "a", 0, 7))
    c2 = store.save_claim(replace(c, stance="against"))
    store.set_state("a", "alice", status="done")
    store.delete_claim("a", c.id, "alice")
    entries = log_entries(store, "alice")
    assert [e["op"] for e in entries] == ["claim.put", "claim.put", "state.put", "claim.delete"]
    assert all(e["annotator"] == "alice" and e["ts"] and e["pid"] for e in entries)
    put1, put2, st, dele = entries
    assert put1["key"] == c.id and put1["before"] is None and put1["after"] == c.to_record()
    assert put2["before"] == c.to_record() and put2["after"] == c2.to_record()
    assert st["key"] == "a/alice" and st["before"]["status"] == "in progress" and st["after"]["status"] == "done"
    assert dele["before"] == c2.to_record() and dele["after"] is None
    adds = log_entries(store, "claimtag")
    assert {e["key"] for e in adds} == {"a", "b"} and all(e["op"] == "article.put" for e in adds)


def edit_bucket(store: Store, kind: str, article_id: str, edit) -> None:
    """Change a bucket file behind the store's back, as a crash or a person could."""
    path = store.root / kind / f"{bucket_of(article_id)}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_check_and_repair_stale_claim_count(store: Store):
    store.save_claim(make_claim(store, "a", 0, 7))
    store.save_claim(make_claim(store, "b", 0, 5, annotator="bob"))
    assert store.check() == []

    def bump(data):
        for doc in data["states"].values():
            if doc["article_id"] == "a":
                doc["n_claims"] = 5

    edit_bucket(store, "states", "a", bump)
    edit_bucket(store, "states", "b", lambda data: data["states"].clear())
    problems = store.check()
    assert "a/alice: claim count 5, found 1" in problems
    assert "b/bob: 1 claims but no state record" in problems
    assert store.check(repair=True) == problems
    assert store.check() == []
    assert store.state("a", "alice").n_claims == 1 and store.state("b", "bob").n_claims == 1


def test_check_reports_bad_quote_and_missing_fields(store: Store):
    c = store.save_claim(make_claim(store, "a", 0, 7))

    def tamper(data):
        for doc in data["claims"].values():
            doc["quote"] = "nonsense"
        data["claims"]["99"] = {"id": "broken", "article_id": "a"}

    edit_bucket(store, "claims", "a", tamper)
    problems = store.check()
    assert any(c.id in p and "quote does not match" in p for p in problems)
    assert any("broken" in p and "missing" in p for p in problems)


def test_schema_version_mismatch(tmp_path: Path):
    root = tmp_path / "store"
    Store(root)
    (root / STORE_MARKER).write_text(json.dumps({"schema_version": 99}))
    with pytest.raises(StoreError, match="schema version 99") as err:
        Store(root)
    assert "\n" not in str(err.value) and STORE_MARKER in str(err.value)
    with pytest.raises(StoreError, match="no claimtag store"):
        Store(tmp_path / "elsewhere", create=False)
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="not a folder"):
        Store(tmp_path / "file")


def test_bucket_files_are_tinydb_files_and_person_readable(store: Store):
    from tinydb import TinyDB
    from tinydb.storages import JSONStorage

    c = store.save_claim(make_claim(store, "a", 0, 7))
    path = store.root / "claims" / f"{bucket_of('a')}.json"
    text = path.read_text(encoding="utf-8")
    assert "【Text by Observers Network】" not in text and c.quote in text  # UTF-8, not \u escapes
    assert sum(1 for line in text.splitlines() if c.id in line) == 1  # one record per line
    with TinyDB(path, storage=JSONStorage, access_mode="r") as db:
        assert [dict(d) for d in db.table("claims").all()] == [c.to_record()]
    assert path.stat().st_mode & 0o777 == 0o666 & ~current_umask()  # readable by the group, as umask allows


def test_file_in_another_layout_is_read_and_extended(store: Store):
    c1 = store.save_claim(make_claim(store, "a", 0, 7))
    edit_bucket(store, "claims", "a", lambda data: None)  # rewritten on one line, as stock TinyDB does
    c2 = store.save_claim(make_claim(store, "a", 8, 12))
    c3 = store.save_claim(replace(c1, note="edited"))
    assert store.claims("a") == [c3, c2] and store.check() == []


def current_umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_signature_changes_on_every_save(store: Store):
    sig = store.signature()
    c = store.save_claim(make_claim(store, "a", 0, 7))
    sig2 = store.signature()
    store.save_claim(replace(c, stance="neutral"))
    assert len({sig, sig2, store.signature()}) == 3


def test_check_removes_temp_files_of_killed_writers(store: Store):
    store.save_claim(make_claim(store, "a", 0, 7))
    orphan = store.root / "claims" / f".{bucket_of('a')}.json.x1y2z3.tmp"
    orphan.write_text('{"claims": {', encoding="utf-8")  # what a writer killed mid-write leaves
    problems = store.check()
    assert len(problems) == 1 and "temp file" in problems[0] and str(orphan) in problems[0]
    assert store.check(repair=True) == problems and not orphan.exists()
    assert store.check() == [] and len(store.claims("a")) == 1


def test_many_articles_added_to_one_bucket_at_once(tmp_path: Path):
    store = Store(tmp_path / "store")
    ids = [f"x{i}" for i in range(3000) if bucket_of(f"x{i}") == "00"][:6]
    results = store.add_articles([NewArticle(i, i, f"{i}.txt", f"Text of {i}.", {}) for i in ids])
    assert [r.outcome for r in results] == ["added"] * 6
    assert [a.id for a in store.articles()] == sorted(ids)
    docs = json.loads((store.root / "corpus" / "00.json").read_text(encoding="utf-8"))["articles"]
    assert sorted(docs) == sorted(str(n) for n in range(1, 7))  # one TinyDB document id each
    again = store.add_articles([NewArticle(i, i, f"{i}.txt", f"New text of {i}.", {}) for i in ids[:2]]
                               + [NewArticle("x-new", "n", "n.txt", "New.", {})])
    assert {r.article_id: r.outcome for r in again} == {ids[0]: "new version", ids[1]: "new version",
                                                         "x-new": "added"}
    assert len(store.articles()) == 7 and store.article(ids[0]).old_versions and store.check() == []


def test_any_annotator_name_gets_its_own_log_file(tmp_path):
    from annotations.models import Claim, NewArticle
    from annotations.store import Store

    store = Store(tmp_path / "s")
    store.add_articles([NewArticle("a", "A", "a.txt", "One claim here.", {})])
    art = store.article("a")
    names = ["alice", "x" * 300, "ann/../../etc", "José", "jose", "Jos_"]
    for name in names:
        store.save_claim(Claim(store.new_claim_id(), "a", art.sha256, 0, 3, "One", "fact", "favor", "T", name))
    logs = sorted(p.name for p in (store.root / "log").glob("*.jsonl"))
    assert len([n for n in logs if n != "claimtag.jsonl"]) == len(names)  # no two names share a log
    assert "alice.jsonl" in logs and all(len(n) < 80 and "/" not in n for n in logs)
