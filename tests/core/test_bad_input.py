"""Bad input (issue 8, A and E/F): one bad line never aborts the rest, nothing invalid is stored, every
string from a file is checked or made display-safe where it enters, and a write error is the store's.

The fuzz test runs every import format and ``add`` on generated records (wrong types, missing fields,
out-of-range and negative offsets, start > end, huge numbers, surrogates, NUL, ESC, deep nesting,
duplicate ids): 0 tracebacks, 0 invalid records stored, nothing stored before lost."""

from __future__ import annotations

import errno
import io
import json
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.corpus import add_paths
from annotations.formats.importing import run_import
from annotations.models import Claim, NewArticle
from annotations.schema import load_schema
from annotations.store import Store
from annotations.text.display import UNSAFE

SCHEMA = load_schema()
TEXT = "China leads in AI. The US disagrees strongly.\nAnother line."


def write_lines(path: Path, lines: list[str | bytes]) -> Path:
    with open(path, "wb") as fh:
        for line in lines:
            fh.write((line if isinstance(line, bytes) else line.encode("utf-8", "surrogatepass")) + b"\n")
    return path


def native(**kw) -> dict:
    rec = {"doc_id": "d1", "title": "T", "text": TEXT, "annotator": "ann", "status": "done",
           "claims": [{"id": "c1", "start": 0, "end": 18, "text": "China leads in AI.", "type": "fact",
                       "stance": "favor", "target": "Chinese AI", "note": "n"}]}
    rec.update(kw)
    return rec


def do_import(store: Store, path: Path, fmt: str = "native") -> tuple[int, str]:
    err = io.StringIO()
    status = run_import(store, SimpleNamespace(file=path, format=fmt, annotator="fuzz"), schema=SCHEMA, err=err)
    return status, err.getvalue()


def stored_strings(store: Store) -> list[str]:
    out: list[str] = []
    for a in store.articles():
        out += [a.id, a.title, a.source]
    for c in store.all_claims():
        out += [c.id, c.article_id, c.type, c.stance, c.target, c.note, c.annotator]
    for s in store.states():
        out += [s.annotator, s.status, *s.labels, *(v for vs in s.labels.values() for v in vs)]
    return out


def assert_valid(store: Store) -> None:
    assert store.check() == []
    for s in stored_strings(store):
        assert UNSAFE.search(s.replace("\n", " ")) is None, repr(s)
        s.encode("utf-8")  # no lone surrogate


def test_a_surrogate_line_does_not_abort_the_file(store: Store, tmp_path: Path):
    path = write_lines(tmp_path / "in.jsonl", ['{"doc_id": "bad", "text": "Some \\ud800 here.", "annotator": "a"}',
                                               json.dumps(native())])
    status, err = do_import(store, path)
    assert status == 1 and f"{path}:1: text is not valid Unicode (lone surrogate U+D800" in err
    assert "Traceback" not in err and [a.id for a in store.articles()] == ["d1"]


@pytest.mark.parametrize("field", ["title", "annotator", "note", "target", "doc_id", "stance", "meta"])
def test_a_lone_surrogate_in_any_field_is_refused_with_its_line(store: Store, tmp_path: Path, field: str):
    rec = native()
    if field in ("note", "target", "stance"):
        rec["claims"][0][field] = "x\ud800"
    elif field == "meta":
        rec["meta"] = {"k": ["x\ud800"]}
    else:
        rec[field] = "x\ud800"
    path = write_lines(tmp_path / "in.jsonl", [json.dumps(rec), json.dumps(native(doc_id="d2"))])
    status, err = do_import(store, path)
    assert status == 1 and f"{path}:1:" in err and "surrogate" in err
    assert [a.id for a in store.articles()] == ["d2"]


@pytest.mark.parametrize("depth", [400, 100_000])
def test_deep_nesting_is_refused_not_a_crash(store: Store, tmp_path: Path, depth: int):
    deep = '{"a": ' * depth + "1" + "}" * depth
    line = json.dumps(native())[:-1] + f', "meta": {deep}}}'
    path = write_lines(tmp_path / "in.jsonl", [line, json.dumps(native(doc_id="d2"))])
    status, err = do_import(store, path)
    assert status == 1 and f"{path}:1:" in err and ("nested" in err) and "Traceback" not in err
    assert [a.id for a in store.articles()] == ["d2"]
    add = write_lines(tmp_path / "add.jsonl", [f'{{"id": "x", "text": "hello there", "meta": {deep}}}',
                                               '{"id": "y", "text": "fine"}'])
    assert add_paths(store, [add], out=io.StringIO(), err=io.StringIO()) == 1
    assert sorted(a.id for a in store.articles()) == ["d2", "y"]


def test_a_claim_id_of_another_article_is_refused(store: Store, tmp_path: Path):
    path = write_lines(tmp_path / "a.jsonl", [json.dumps(native())])
    assert do_import(store, path)[0] == 0
    other = native(doc_id="d2")  # same claim id c1, another article (another bucket)
    path = write_lines(tmp_path / "b.jsonl", [json.dumps(other)])
    status, err = do_import(store, path)
    assert status == 1 and "claim id c1 belongs to" in err
    assert [c.article_id for c in store.all_claims()] == ["d1"]


def test_escape_sequences_in_imported_fields(store: Store, tmp_path: Path):
    evil = "\x1b]0;PWNED\x07\x1b[2J"
    refused = [native(doc_id=f"d{evil}"), native(doc_id="d3", annotator=f"eve{evil}"),
               native(doc_id="d4", annotator="eve\nmallory")]
    rec = native(doc_id="d2", title=f"T{evil}")
    rec["claims"][0].update(target=f"Chinese AI{evil}", note=f"n{evil}")
    path = write_lines(tmp_path / "in.jsonl", [json.dumps(r) for r in refused] + [json.dumps(rec)])
    status, err = do_import(store, path)
    assert status == 1 and err.count("contains control characters") == 3
    assert "\x1b" not in err and "\x07" not in err  # the refusal quotes it escaped
    assert [a.id for a in store.articles()] == ["d2"]
    assert_valid(store)
    claim = store.all_claims().__next__()
    assert claim.target == "Chinese AI]0;PWNED[2J" and claim.note == "n]0;PWNED[2J"


def test_a_yaml_alias_bomb_is_refused_quickly(store: Store, tmp_path: Path):
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9)) + "---\nBody text.\n"
    (tmp_path / "bomb.md").write_text(bomb)
    (tmp_path / "fine.md").write_text("# Fine\n\nBody.\n")
    err = io.StringIO()
    started = time.monotonic()
    assert add_paths(store, [tmp_path], out=io.StringIO(), err=err) == 1
    assert time.monotonic() - started < 10  # 18 s and 465 MB before (a sanity bound, not a benchmark)
    assert "bomb.md: meta holds more than 10,000 values" in err.getvalue()
    assert [a.id for a in store.articles()] == ["fine"]
    assert sum(p.stat().st_size for p in (store.root / "corpus").glob("*.json")) < 10_000


def test_a_write_error_blames_the_store_not_the_input(store: Store, tmp_path: Path, monkeypatch):
    path = write_lines(tmp_path / "in.jsonl", [json.dumps(native())])

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(store.root / "corpus" / "x.json"))

    monkeypatch.setattr("annotations.store.files.atomic_write_many", read_only)
    monkeypatch.setattr("annotations.store.api.atomic_write_many", read_only)
    status, err = do_import(store, path)
    assert status == 2 and "cannot write to the store" in err and "Read-only" in err
    assert f"cannot read {path}" not in err


def test_non_utf8_and_a_50_mb_line(store: Store, tmp_path: Path):
    big = json.dumps(native(doc_id="big", text="word " * 10_000_000 + "end.", claims=[]))
    path = write_lines(tmp_path / "in.jsonl", [b"\xff\xfe not utf-8", big, json.dumps(native())])
    status, err = do_import(store, path)
    assert status == 1 and f"{path}:1: not UTF-8" in err
    assert sorted(a.id for a in store.articles()) == ["big", "d1"]


# -- fuzz ----------------------------------------------------------------------------------------------

nasty_text = st.one_of(st.text(max_size=12), st.sampled_from(["\ud800", "a\x00b", "\x1b[2J", "  ", "", "\u202e"]))
anything = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), nasty_text,
                                  st.floats(allow_nan=False)),
                        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(nasty_text, inner, max_size=3)),
                        max_leaves=8)
offset = st.one_of(st.integers(-5, 70), st.sampled_from([2**64, -2**64]), nasty_text, st.none(), st.booleans())
span = st.fixed_dictionaries({"start": offset, "end": offset},
                             optional={"type": st.one_of(st.sampled_from(["fact", "FACT", "opinion", "nope"]), anything),
                                       "label": st.sampled_from(["fact", "PREDICTION", "x"]),
                                       "stance": st.one_of(st.sampled_from(["favor", "against", "neutral"]), anything),
                                       "target": anything, "note": anything, "id": st.one_of(st.sampled_from(["c1", "c2"]), anything),
                                       "text": anything})
record = st.fixed_dictionaries(
    {"text": st.one_of(st.just(TEXT), nasty_text, anything)},
    optional={"doc_id": st.one_of(st.sampled_from(["d1", "d2", "d3"]), anything), "title": anything,
              "annotator": st.one_of(st.sampled_from(["ann", "bob"]), anything), "status": anything,
              "labels": anything, "meta": anything, "claims": st.one_of(st.lists(span, max_size=4), anything),
              "spans": st.one_of(st.lists(span, max_size=4), anything), "label": anything, "stale": anything,
              "answer": st.sampled_from(["accept", "reject"])})


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(recs=st.lists(st.one_of(record, anything), min_size=1, max_size=6), fmt=st.sampled_from(["native", "spacy", "doccano"]))
def test_fuzzed_imports_never_crash_and_never_store_anything_invalid(tmp_path_factory, recs, fmt):
    tmp = tmp_path_factory.mktemp("fuzz")
    store = Store(tmp / "store")
    store.add_articles([NewArticle("keep", "Keep", "k.txt", TEXT, {})])
    art = store.article("keep")
    kept = store.save_claim(Claim("kept1", "keep", art.sha256, 0, 5, TEXT[:5], "fact", "favor", "t", "ann"))
    lines = [json.dumps(r) for r in recs]  # ASCII JSON: a lone surrogate arrives as "\ud800", as in the wild
    path = write_lines(tmp / "in.jsonl", lines)
    status, err = do_import(store, path, fmt)
    assert status in (0, 1) and "Traceback" not in err
    assert_valid(store)
    assert kept in store.claims("keep")  # nothing stored before is lost
    status = add_paths(store, [write_lines(tmp / "add.jsonl", lines)], out=io.StringIO(), err=io.StringIO())
    assert status in (0, 1)
    assert_valid(store)
    assert kept in store.claims("keep")


def test_a_title_taken_from_the_text_goes_through_the_title_gate(store: Store, tmp_path: Path):
    """Found by the fuzz test: an imported record without a title got its text's first line as it was,
    a TAB included. Imports now take the title as `claimtag add` does (text/titles.py)."""
    path = write_lines(tmp_path / "in.jsonl", [json.dumps({"doc_id": "t", "text": "0\t0\nmore", "annotator": "a"})])
    assert do_import(store, path)[0] == 0
    assert store.article("t").title == "0 0"
    assert_valid(store)


def test_doccano_offsets_that_are_not_numbers_are_refused_not_a_crash(store: Store, tmp_path: Path):
    """Found by the fuzz test: matching doccano spans to meta.claims by (start, end, label) hashed a list."""
    rec = {"text": TEXT, "label": [[[0], [], "FACT"]], "meta": {"annotator": "a", "claims": [{"start": [0], "end": 1}]}}
    path = write_lines(tmp_path / "in.jsonl", [json.dumps(rec)])
    status, err = do_import(store, path, "doccano")
    assert status == 1 and f"{path}:1: claim 1:" in err
    assert_valid(store)
