"""The change log is an exact record (issue 8, D/H): an entry with its "applied" marker happened, a
change that failed is marked not applied, an interrupted one is settled by ``check``, a torn line never
glues onto the next one, a short write on a full disk is an error, and the real UNIX user is logged."""

from __future__ import annotations

import errno
import json
import os
import pwd
from pathlib import Path

import pytest

from annotations import fileio
from annotations.errors import StoreError
from annotations.models import Claim
from annotations.store import Store
from annotations.store.log import log_name

FIRST = "000_ecb1173961431c24"


def claim_of(store: Store, start: int = 0, end: int = 7, annotator: str = "alice") -> Claim:
    art = store.article(FIRST)
    text = store.text(art.sha256)
    return Claim(Store.new_claim_id(), FIRST, art.sha256, start, end, text[start:end], "fact", "favor",
                 "Chinese AI", annotator)


def log_path(store: Store, annotator: str = "alice") -> Path:
    return store.root / "log" / f"{log_name(annotator)}.jsonl"


def lines(store: Store, annotator: str = "alice") -> list[dict]:
    return [json.loads(line) for line in log_path(store, annotator).read_text(encoding="utf-8").splitlines()]


def test_a_save_is_logged_then_marked_applied_with_the_real_user(seeded_store: Store):
    c = seeded_store.save_claim(claim_of(seeded_store))
    entry, marker = lines(seeded_store)
    assert entry["op"] == "claim.put" and entry["key"] == c.id and entry["after"] == c.to_record()
    assert marker == {"tx": entry["tx"], "applied": True}
    assert entry["user"] == pwd.getpwuid(os.getuid()).pw_name and entry["uid"] == os.getuid()
    assert entry["annotator"] == "alice"  # the name it saved under, beside who really wrote it


def test_a_change_whose_files_cannot_be_written_is_marked_not_applied(seeded_store: Store, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("annotations.store.files.atomic_write_many", disk_full)
    with pytest.raises(StoreError, match="cannot write to the store"):
        seeded_store.save_claim(claim_of(seeded_store))
    monkeypatch.undo()
    entry, marker = lines(seeded_store)
    assert marker["tx"] == entry["tx"] and marker["applied"] is False and "No space" in marker["error"]
    assert seeded_store.claims(FIRST) == []
    assert seeded_store.check() == []  # a change marked not applied is no problem


def test_an_interrupted_change_is_settled_by_check(seeded_store: Store):
    """A writer killed between its log line and its files: the line has no marker; check compares it
    with the store (not applied here), says so, and --repair marks it."""
    seeded_store.save_claim(claim_of(seeded_store))
    entry = lines(seeded_store)[0]
    ghost = {**entry, "tx": "killedwriter0001", "key": "ghost", "after": {**entry["after"], "id": "ghost"}}
    with open(log_path(seeded_store), "a", encoding="utf-8") as fh:
        fh.write(json.dumps(ghost) + "\n")
    problems = seeded_store.check()
    assert len(problems) == 1 and "killedwriter0001" in problems[0] and "NOT applied" in problems[0]
    seeded_store.check(repair=True)
    assert lines(seeded_store)[-1]["tx"] == "killedwriter0001" and lines(seeded_store)[-1]["applied"] is False
    assert seeded_store.check() == []


def test_a_torn_line_is_never_glued_to_the_next_entry(seeded_store: Store):
    with open(log_path(seeded_store), "ab") as fh:
        fh.write(b'{"ts": "2026-01-01", "tx": "torn", "op": "claim.pu')  # a crash mid-write
    c = seeded_store.save_claim(claim_of(seeded_store))
    raw = log_path(seeded_store).read_text(encoding="utf-8").splitlines()
    assert raw[0].endswith('"op": "claim.pu')
    assert json.loads(raw[1])["key"] == c.id  # the next entry starts on its own line
    problems = seeded_store.check()
    assert len(problems) == 1 and "torn line" in problems[0] and ":1:" in problems[0]
    seeded_store.check(repair=True)
    assert seeded_store.check() == []


def test_a_short_write_on_a_full_disk_is_an_error_not_a_half_line(seeded_store: Store, monkeypatch):
    real_write = os.write
    calls = []

    def half_then_full(fd, data):
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data)[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "write", half_then_full)
    with pytest.raises(StoreError, match="No space left"):
        seeded_store.save_claim(claim_of(seeded_store))
    monkeypatch.undo()
    assert seeded_store.claims(FIRST) == []  # not acknowledged, not applied
    c = seeded_store.save_claim(claim_of(seeded_store, 10, 20))
    raw = log_path(seeded_store).read_text(encoding="utf-8").splitlines()
    assert json.loads(raw[-2])["key"] == c.id and json.loads(raw[-1])["applied"] is True
    seeded_store.check(repair=True)
    assert seeded_store.check() == []


def test_legacy_log_entries_are_not_taken_for_lost_changes(seeded_store: Store):
    """Entries of an old log without change ids (written before the change, no marker) are not taken for
    changes that happened: check does not report them as lost."""
    with open(log_path(seeded_store, "legacy"), "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"ts": "2025-01-01T00:00:00", "annotator": "legacy", "pid": 1, "op": "claim.put",
                             "key": "never-happened", "before": None, "after": {"id": "never-happened"}}) + "\n")
    assert seeded_store.check() == []


def test_an_interrupted_delete_of_a_claim_that_is_still_there_is_not_applied(seeded_store: Store):
    """A delete killed before its files were written: the claim is still stored. Its "after" (none) equals
    the "before" of the claim's creation, an *earlier* change: that must not count as applied."""
    c = seeded_store.save_claim(claim_of(seeded_store))
    put = lines(seeded_store)[0]
    ghost = {**put, "tx": "killeddelete0001", "ts": "2099-01-01T00:00:00+00:00", "op": "claim.delete",
             "before": put["after"], "after": None}
    with open(log_path(seeded_store), "a", encoding="utf-8") as fh:
        fh.write(json.dumps(ghost) + "\n")
    problems = seeded_store.check()
    assert len(problems) == 1 and "NOT applied" in problems[0]
    seeded_store.check(repair=True)
    assert [x.id for x in seeded_store.claims(FIRST)] == [c.id]  # repair did not "put back" a delete
    assert seeded_store.check() == []
