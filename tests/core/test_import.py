"""claimtag import: native, spacy (Prodigy) and doccano records; bad lines refused one by one."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from annotations.cli import main
from annotations.formats.importing import run_import
from annotations.models import NewArticle
from annotations.schema import load_schema
from annotations.store import Store
from annotations.text.normalize import sha256_text

TEXT = "China leads in AI. The US disagrees 😀 strongly.\n中文句子。Another line."
SCHEMA = load_schema()


def write(tmp_path: Path, recs: list, name: str = "in.jsonl") -> Path:
    path = tmp_path / name
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in recs]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(st: Store, path: Path, fmt: str = "native", annotator: str | None = None, schema=SCHEMA) -> int:
    return run_import(st, SimpleNamespace(file=path, format=fmt, annotator=annotator), schema=schema)


def native(**kw) -> dict:
    rec = {"doc_id": "d1", "title": "T", "text": TEXT, "meta": {"url": "u"}, "annotator": "ann", "status": "done",
           "labels": {"stance": ["favor"]},
           "claims": [{"id": "c1", "start": 0, "end": 18, "text": "China leads in AI.", "type": "fact",
                       "stance": "favor", "target": "Chinese AI", "note": "n", "created": "2024-01-01T00:00:00",
                       "updated": "2024-01-02T00:00:00"}]}
    rec.update(kw)
    return rec


@pytest.fixture
def st(tmp_path: Path) -> Store:
    return Store(tmp_path / "store")


def test_native_import_adds_article_claims_and_state(st: Store, tmp_path: Path, capsys):
    assert run(st, write(tmp_path, [native()])) == 0
    art = st.article("d1")
    assert art.title == "T" and art.meta == {"url": "u"} and art.sha256 == sha256_text(TEXT)
    [c] = st.claims("d1")
    assert (c.id, c.start, c.end, c.quote, c.type, c.stance, c.target, c.annotator, c.note) == \
        ("c1", 0, 18, "China leads in AI.", "fact", "favor", "Chinese AI", "ann", "n")
    assert (c.created, c.updated) == ("2024-01-01T00:00:00", "2024-01-02T00:00:00")
    state = st.state("d1", "ann")
    assert state.status == "done" and state.labels == {"stance": ["favor"]} and state.n_claims == 1
    assert "1 record(s) imported (1 article(s) added, 1 claim(s) saved)" in capsys.readouterr().err


def test_reimport_is_idempotent(st: Store, tmp_path: Path, capsys):
    path = write(tmp_path, [native()])
    run(st, path)
    log = sorted((st.root / "log").glob("*.jsonl"))
    before = [p.read_bytes() for p in log]
    claims = st.claims("d1")
    assert run(st, path) == 0
    assert st.claims("d1") == claims
    assert "0 article(s) added, 0 claim(s) saved" in capsys.readouterr().err
    # only the state write is logged again, no claim change
    after = [p.read_text(encoding="utf-8") for p in log]
    new_lines = [e for a, b in zip(before, after) for line in b[len(a):].splitlines() if "op" in (e := json.loads(line))]
    assert all(e["op"] == "state.put" for e in new_lines)


def test_missing_annotator_uses_flag_else_refuses(st: Store, tmp_path: Path, capsys):
    rec = native()
    del rec["annotator"]
    path = write(tmp_path, [rec])
    assert run(st, path) == 1
    assert f"{path}:1: no annotator" in capsys.readouterr().err
    assert st.article("d1") is None  # a refused line changes nothing
    assert run(st, path, annotator="eve") == 0
    assert st.claims("d1")[0].annotator == "eve"


def test_bad_lines_refused_with_file_and_line(st: Store, tmp_path: Path, capsys):
    def with_claim(**kw):
        c = dict(native()["claims"][0], **kw)
        return native(doc_id=f"d{len(recs) + 1}", claims=[c])
    recs: list = []
    recs.append("{not json")
    recs.append(native(doc_id="ok"))  # line 2 is fine
    recs.append(with_claim(end=999))
    recs.append(with_claim(text="something else"))
    recs.append(with_claim(type="rumour"))
    recs.append(with_claim(stance="pro"))
    recs.append(native(doc_id="crlf", text=TEXT.replace("\n", "\r\n")))
    recs.append(native(doc_id="st", status="finished"))
    recs.append({"doc_id": "nt", "annotator": "a"})
    recs.append(native(doc_id="lab", labels={"frame": ["sports"]}))
    recs.append([1, 2])
    path = write(tmp_path, recs)
    path.write_bytes(path.read_bytes() + b'{"text": "\xff"}\n')
    assert run(st, path) == 1
    err = capsys.readouterr().err.splitlines()
    refused = [line for line in err if line.startswith(f"{path}:")]
    assert [int(line.split(":")[1]) for line in refused] == [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    text = "\n".join(refused)
    for reason in ("not valid JSON", "outside the text", "does not match", "unknown claim type 'rumour'",
                   "unknown stance 'pro'", "not normalised", "unknown status", "no text",
                   "unknown value 'sports'", "not a JSON object", "not UTF-8"):
        assert reason in text, reason
    assert all("\n" not in line for line in refused)
    assert [a.id for a in st.articles()] == ["ok"]
    assert "1 record(s) imported" in err[-1] and "11 refused" in err[-1]


def test_without_schema_any_type_is_taken(st: Store, tmp_path: Path):
    c = dict(native()["claims"][0], type="rumour", stance="pro")
    assert run(st, write(tmp_path, [native(claims=[c])]), schema=None) == 0
    assert st.claims("d1")[0].type == "rumour"


def test_unnormalised_text_without_spans_is_normalised(st: Store, tmp_path: Path):
    rec = native(text="\ufeffLine one\r\nLine two", claims=[])
    assert run(st, write(tmp_path, [rec])) == 0
    assert st.text(st.article("d1").sha256) == "Line one\nLine two"


def test_text_differing_from_the_store_is_refused(st: Store, tmp_path: Path, capsys):
    st.add_articles([NewArticle("d1", "T", "-", "Another text entirely.", {})])
    assert run(st, write(tmp_path, [native()])) == 1
    assert "text differs from article d1" in capsys.readouterr().err
    assert st.claims("d1") == []


def test_record_without_doc_id_gets_one_from_its_text(st: Store, tmp_path: Path):
    rec = native()
    del rec["doc_id"]
    assert run(st, write(tmp_path, [rec, rec])) == 0
    assert [a.id for a in st.articles()] == [f"imported-{sha256_text(TEXT)[:12]}"]


def test_claim_id_of_another_annotator_is_refused(st: Store, tmp_path: Path, capsys):
    run(st, write(tmp_path, [native()]))
    assert run(st, write(tmp_path, [native(annotator="mallory")], "b.jsonl")) == 1
    assert "belongs to ann's claim" in capsys.readouterr().err
    assert [c.annotator for c in st.claims("d1")] == ["ann"]


def test_spacy_prodigy_records(st: Store, tmp_path: Path, capsys):
    recs = [
        {"text": TEXT, "meta": {"doc_id": "p1", "annotator": "ann"}, "answer": "accept",
         "spans": [{"start": 0, "end": 5, "label": "FACT", "token_start": 0, "token_end": 0},
                   {"start": 19, "end": 25, "label": "opinion", "stance": "against", "target": "US AI policy"}]},
        {"text": TEXT, "meta": {"doc_id": "p2"}, "answer": "reject", "spans": []},
        {"text": "Plain text with no meta.", "spans": [{"start": 0, "end": 5, "label": "PREDICTION"}]},
    ]
    assert run(st, write(tmp_path, recs), fmt="spacy", annotator="bot") == 0
    a, b = st.claims("p1")
    assert (a.type, a.stance, a.target, a.annotator, a.quote) == ("fact", "neutral", "Chinese AI", "ann", "China")
    assert (b.type, b.stance, b.target, b.quote) == ("opinion", "against", "US AI policy", "The US")
    assert st.claims("p2") == [] and st.states_of("p2") == []  # rejected: its text only (a version), no annotation
    [c] = st.claims(f"imported-{sha256_text('Plain text with no meta.')[:12]}")
    assert c.annotator == "bot" and c.type == "prediction"
    err = capsys.readouterr().err
    assert "1 rejected/ignored skipped" in err and "2 span(s) had no stance: set to 'neutral'" in err
    # the same file again: stable derived ids, nothing new
    assert run(st, write(tmp_path, recs), fmt="spacy", annotator="bot") == 0
    assert len(list(st.all_claims())) == 3


def test_doccano_records(st: Store, tmp_path: Path):
    recs = [{"id": 7, "text": TEXT, "label": [[0, 18, "FACT"], [19, 25, "OPINION"]]},
            {"text": "Second doc here.", "entities": [{"id": 1, "label": "OPINION", "start_offset": 7,
                                                     "end_offset": 10}], "meta": {"doc_id": "x2"}}]
    assert run(st, write(tmp_path, recs), fmt="doccano", annotator="ann") == 0
    assert [(c.quote, c.type, c.stance) for c in st.claims("7")] == [("China leads in AI.", "fact", "neutral"),
                                                                     ("The US", "opinion", "neutral")]
    assert [c.quote for c in st.claims("x2")] == ["doc"]


def test_doccano_bad_label_entry(st: Store, tmp_path: Path, capsys):
    path = write(tmp_path, [{"text": TEXT, "label": [[0, 5]]}])
    assert run(st, path, fmt="doccano", annotator="ann") == 1
    assert f"{path}:1: label entry [0, 5] is not [start, end, LABEL]" in capsys.readouterr().err


def test_cli_import_missing_file(tmp_path: Path, capsys):
    rc = main(["import", "--store", str(tmp_path / "s"), str(tmp_path / "nope.jsonl")])
    assert rc == 2
    assert "cannot read" in capsys.readouterr().err


def test_cli_import_uses_schema_file(tmp_path: Path, capsys):
    schema = Path(__file__).resolve().parents[2] / "annotations" / "schema" / "default_schema.toml"
    custom = tmp_path / "schema.toml"
    custom.write_text(schema.read_text(encoding="utf-8").replace('name = "prediction"', 'name = "forecast"'),
                      encoding="utf-8")
    c = dict(native()["claims"][0], type="forecast")
    path = write(tmp_path, [native(claims=[c])])
    assert main(["import", "--store", str(tmp_path / "s"), "--schema", str(custom), str(path)]) == 0
    assert main(["import", "--store", str(tmp_path / "s2"), "--schema", str(schema), str(path)]) == 1
    assert "unknown claim type 'forecast'" in capsys.readouterr().err
