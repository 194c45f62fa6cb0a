"""TinyDB over the store's files: FreshTable (no stale cache, no reused ids, snapshot never changed under a
reader) and storage.batch (writes held until the end, all or nothing). Two StoreDBs on one file stand for
two processes; tests/test_store_processes.py runs real ones."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tinydb import where

from annotations.errors import CorruptStoreFile
from annotations.store.db import open_db
from annotations.store.files import batch, dumps_lines, split_lines


def on_disk(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_two_databases_on_one_file_never_reuse_an_id(tmp_path: Path):
    path = tmp_path / "b.json"
    one, two = open_db(path).table("claims", cache_size=0), open_db(path).table("claims", cache_size=0)
    ids = [one.insert({"n": 1}), two.insert({"n": 2}), one.insert({"n": 3}), two.insert({"n": 4})]
    assert ids == [1, 2, 3, 4]
    assert on_disk(path) == {"claims": {"1": {"n": 1}, "2": {"n": 2}, "3": {"n": 3}, "4": {"n": 4}}}
    assert [d["n"] for d in one.all()] == [1, 2, 3, 4] == [d["n"] for d in two.all()]


def test_no_stale_query_results(tmp_path: Path):
    path = tmp_path / "b.json"
    one, two = open_db(path).table("claims", cache_size=0), open_db(path).table("claims", cache_size=0)
    assert one.search(where("article_id") == "a") == []
    two.insert({"article_id": "a"})
    assert one.search(where("article_id") == "a") == [{"article_id": "a"}]
    two.remove(where("article_id") == "a")
    assert one.search(where("article_id") == "a") == [] and one.get(where("article_id") == "a") is None


def test_updates_never_change_what_a_reader_holds(tmp_path: Path):
    table = open_db(tmp_path / "b.json").table("states", cache_size=0)
    table.insert({"status": "todo", "labels": {"frame": ["economic"]}})
    snapshot = table.storage.snapshot()
    table.update({"status": "done"}, doc_ids=[1])
    table.update(lambda doc: doc["labels"]["frame"].append("security"), where("status") == "done")
    assert snapshot == {"states": {"1": {"status": "todo", "labels": {"frame": ["economic"]}}}}
    assert table.get(doc_id=1) == {"status": "done", "labels": {"frame": ["economic", "security"]}}
    record = {"labels": {"frame": []}}
    table.insert(record)
    record["labels"]["frame"].append("changed by the caller")  # the caller keeps its own copy
    assert table.get(doc_id=2) == {"labels": {"frame": []}}


def test_an_update_that_changes_nothing_writes_nothing(tmp_path: Path):
    path = tmp_path / "b.json"
    table = open_db(path).table("claims", cache_size=0)
    table.insert({"id": "c1", "stance": "favor"})
    before = path.stat()
    table.update({"stance": "favor"}, where("id") == "c1")
    table.remove(where("id") == "nope")
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_batch_writes_all_files_at_the_end_or_none(tmp_path: Path):
    claims = open_db(tmp_path / "claims.json").table("claims", cache_size=0)
    states = open_db(tmp_path / "states.json").table("states", cache_size=0)
    other_thread: list = []
    with batch():
        claims.insert({"id": "c1"})
        states.insert({"n_claims": 1})
        assert claims.count(where("id") == "c1") == 1  # this thread reads what the batch wrote
        assert not (tmp_path / "claims.json").exists()  # nothing on disk yet
        seen = threading.Thread(target=lambda: other_thread.append(open_db(tmp_path / "claims.json").table(
            "claims", cache_size=0).all()))
        seen.start()
        seen.join()
    assert other_thread == [[]]  # another thread never sees a batch that has not ended
    assert on_disk(tmp_path / "claims.json") == {"claims": {"1": {"id": "c1"}}}
    assert on_disk(tmp_path / "states.json") == {"states": {"1": {"n_claims": 1}}}

    with pytest.raises(KeyError):
        with batch():
            claims.insert({"id": "c2"})
            states.update({"n_claims": 2}, doc_ids=[1])
            raise KeyError("the change fails half way")
    assert [d["id"] for d in claims.all()] == ["c1"] and states.get(doc_id=1) == {"n_claims": 1}
    assert on_disk(tmp_path / "claims.json") == {"claims": {"1": {"id": "c1"}}}


def test_unchanged_documents_keep_their_line(tmp_path: Path):
    path = tmp_path / "b.json"
    table = open_db(path).table("claims", cache_size=0)
    table.insert_multiple({"id": f"c{i}", "quote": "é"} for i in range(3))
    lines = path.read_text(encoding="utf-8").splitlines()
    table.update({"quote": "x"}, doc_ids=[2])
    new = path.read_text(encoding="utf-8").splitlines()
    assert len(new) == len(lines) == 7 and [a == b for a, b in zip(lines, new)] == [True] * 3 + [False] + [True] * 3
    assert new[3] == '  "2": {"id": "c1", "quote": "x"},' and lines[2] == '  "1": {"id": "c0", "quote": "é"},'


@pytest.mark.parametrize("content", ['{"claims": {"first": {"id": "c1"}}}', '{"claims": {"1": ["not", "a", "doc"]}}'])
def test_file_tinydb_cannot_use_is_refused_and_kept(tmp_path: Path, content: str):
    path = tmp_path / "b.json"
    path.write_text(content, encoding="utf-8")
    table = open_db(path).table("claims", cache_size=0)
    with pytest.raises(CorruptStoreFile, match="unreadable"):
        table.all()
    with pytest.raises(CorruptStoreFile):
        table.insert({"id": "c2"})
    assert path.read_text(encoding="utf-8") == content
    assert [p.read_text(encoding="utf-8") for p in tmp_path.glob("b.json.corrupt-*")] == [content]


_json_scalars = st.none() | st.booleans() | st.integers() | st.text()
_docs = st.dictionaries(st.text(max_size=8), _json_scalars | st.lists(_json_scalars, max_size=3), max_size=4)
_tables = st.dictionaries(st.text(max_size=8), st.dictionaries(st.integers(1, 10_000).map(str), _docs, max_size=5),
                          max_size=3)


@given(_tables)
def test_lines_of_a_file_are_found_again(data):
    """dumps_lines writes JSON that parses back to the data; split_lines finds each document's line in
    it (CJK, emoji, quotes and newlines inside values included), and reusing them gives the same bytes."""
    lines = {}
    raw = dumps_lines(data, lines_out=lines)
    assert json.loads(raw.decode("utf-8")) == data
    assert split_lines(raw, data) == lines
    assert dumps_lines(data, reuse=(data, lines)) == raw
