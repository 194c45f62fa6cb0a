"""claimtag export: the four formats, filters, stale claims, atomic output."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from annotations.cli import main
from annotations.formats.base import select_units
from annotations.formats.export import run_export
from annotations.formats.prodigy import hash32
from annotations.models import Claim, NewArticle
from annotations.store import Store
from annotations.text.normalize import normalize_text
from annotations.text.sentences import sentence_spans
from annotations.text.tokens import tokenize

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


def add_seed(store: Store, path: Path, doc_id: str | None = None) -> str:
    text, removed = normalize_text(path.read_text(encoding="utf-8"))
    doc_id = doc_id or path.stem
    store.add_articles([NewArticle(doc_id, text.split("\n")[0], str(path), text, {"file": path.name}, removed)])
    return doc_id


def claim(store: Store, doc_id: str, start: int, end: int, annotator: str = "ann", type_: str = "fact",
          stance: str = "favor", target: str = "Chinese AI", note: str = "") -> Claim:
    art = store.article(doc_id)
    text = store.text(art.sha256)
    return store.save_claim(Claim(Store.new_claim_id(), doc_id, art.sha256, start, end, text[start:end], type_,
                                  stance, target, annotator, note))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """Two seed articles: ann has 3 sentence claims on the first (done) and one on the second;
    bob has one claim on the first; carol only opened the second (state, no claims)."""
    st = Store(tmp_path / "store")
    a, b = add_seed(st, SEEDS[0]), add_seed(st, SEEDS[1])
    for i, (s, e) in enumerate(sentence_spans(st.text(st.article(a).sha256))[:3]):
        claim(st, a, s, e, stance=("favor", "against", "neutral")[i], type_=("fact", "opinion", "prediction")[i])
    st.set_state(a, "ann", status="done", labels={"stance": ["against"], "frame": ["economic", "technology"]})
    s, e = sentence_spans(st.text(st.article(b).sha256))[2]
    claim(st, b, s, e, note="check the source")
    claim(st, a, 0, 7, annotator="bob", type_="opinion", stance="against", target="US AI policy")
    st.set_state(b, "carol", status="todo")
    return st


def export(st: Store, fmt: str = "native", tmp: Path | None = None, **kw) -> tuple[int, list[dict]]:
    out = (tmp or st.root.parent) / f"out-{fmt}.jsonl"
    args = SimpleNamespace(format=fmt, annotator=kw.get("annotator"), status=kw.get("status"), output=out,
                           allow_stale=kw.get("allow_stale", False))
    rc = run_export(st, args)
    lines = out.read_text(encoding="utf-8").splitlines() if rc == 0 else []
    return rc, [json.loads(line) for line in lines]


def test_native_one_record_per_article_and_annotator(store: Store):
    rc, recs = export(store)
    assert rc == 0
    keys = [(r["doc_id"], r["annotator"]) for r in recs]
    a, b = SEEDS[0].stem, SEEDS[1].stem
    assert keys == [(a, "ann"), (a, "bob"), (b, "ann"), (b, "carol")]
    first = recs[0]
    assert set(first) == {"doc_id", "title", "text", "text_sha256", "meta", "annotator", "status", "labels",
                          "stale", "claims"}
    assert first["status"] == "done" and first["labels"] == {"stance": ["against"], "frame": ["economic", "technology"]}
    assert first["meta"]["file"] == SEEDS[0].name and first["meta"]["claimtag_source"].endswith(SEEDS[0].name)
    assert first["stale"] is False
    assert first["text_sha256"] == store.article(a).sha256 and first["title"].startswith("Russian media")
    assert [c["type"] for c in first["claims"]] == ["fact", "opinion", "prediction"]
    for rec in recs:
        for c in rec["claims"]:
            assert set(c) == {"id", "start", "end", "text", "type", "stance", "target", "note", "created", "updated", "links"}
            assert rec["text"][c["start"]:c["end"]] == c["text"]
    assert recs[2]["claims"][0]["note"] == "check the source" and recs[2]["status"] == "in progress"
    assert recs[3]["claims"] == [] and recs[3]["status"] == "todo"


def test_annotator_and_status_filters(store: Store):
    _, recs = export(store, annotator="ann")
    assert {r["annotator"] for r in recs} == {"ann"} and len(recs) == 2
    _, recs = export(store, status="done")
    assert [(r["annotator"], r["status"]) for r in recs] == [("ann", "done")]
    _, recs = export(store, status="todo")
    assert [r["annotator"] for r in recs] == ["carol"]
    _, recs = export(store, annotator="nobody")
    assert recs == []


def test_claims_format_has_sentence_context(store: Store):
    a = SEEDS[0].stem
    text = store.text(store.article(a).sha256)
    sents = sentence_spans(text)
    s0, e1 = sents[0][0] + 8, sents[1][0] + 5  # crosses a sentence boundary
    cross = claim(store, a, s0, e1, annotator="dan")
    rc, recs = export(store, "claims")
    assert rc == 0 and len(recs) == 6
    for r in recs:
        assert r["context"][r["start"] - r["context_start"]:r["end"] - r["context_start"]] == r["text"]
        assert {"id", "text", "context", "context_start", "type", "stance", "target", "doc_id", "start", "end",
                "annotator", "text_sha256"} <= set(r)
    bob = next(r for r in recs if r["annotator"] == "bob")
    assert bob["text"] == text[:7] and bob["context"] == text[sents[0][0]:sents[0][1]]
    dan = next(r for r in recs if r["id"] == cross.id)
    assert dan["context_start"] == sents[0][0] and dan["context"] == text[sents[0][0]:sents[1][1]]


def test_prodigy_format(store: Store):
    rc, recs = export(store, "prodigy")
    assert rc == 0 and len(recs) == 4
    rec = recs[0]
    assert set(rec) == {"text", "tokens", "spans", "meta", "_input_hash", "_task_hash", "_annotator_id",
                        "_session_id", "answer"}
    assert rec["answer"] == "accept" and rec["_annotator_id"] == rec["_session_id"] == "claimtag-ann"
    assert rec["meta"]["doc_id"] == SEEDS[0].stem and rec["meta"]["status"] == "done"
    assert rec["meta"]["labels"]["stance"] == ["against"] and rec["meta"]["stale"] is False
    assert [s["label"] for s in rec["spans"]] == ["FACT", "OPINION", "PREDICTION"]
    assert [s["stance"] for s in rec["spans"]] == ["favor", "against", "neutral"]
    for r in recs:
        toks = r["tokens"]
        assert [t["id"] for t in toks] == list(range(len(toks)))
        for t in toks:
            assert r["text"][t["start"]:t["end"]] == t["text"]
        for s in r["spans"]:
            assert r["text"][s["start"]:s["end"]] == s["text"]
            assert toks[s["token_start"]]["start"] == s["start"] and toks[s["token_end"]]["end"] == s["end"]
        assert -2**31 <= r["_input_hash"] < 2**31 and -2**31 <= r["_task_hash"] < 2**31
    # the same text for two annotators: one input hash, two task hashes
    assert recs[0]["_input_hash"] == recs[1]["_input_hash"] == hash32(recs[0]["text"])
    assert recs[0]["_task_hash"] != recs[1]["_task_hash"]
    _, again = export(store, "spacy")  # the old name still works
    assert [r["_task_hash"] for r in again] == [r["_task_hash"] for r in recs]


def test_doccano_format(store: Store):
    rc, recs = export(store, "doccano")
    assert rc == 0
    rec = recs[0]
    assert set(rec) == {"text", "label", "meta"}
    assert [lab[2] for lab in rec["label"]] == ["FACT", "OPINION", "PREDICTION"]
    for r in recs:
        assert all(isinstance(s, int) and isinstance(e, int) and e > s for s, e, _ in r["label"])
    assert [c["stance"] for c in rec["meta"]["claims"]] == ["favor", "against", "neutral"]
    assert [(c["start"], c["end"]) for c in rec["meta"]["claims"]] == [(s, e) for s, e, _ in rec["label"]]


def test_tokens_cover_words_like_spacy_would():
    text = "U.S. officials don't agree: China's state-of-the-art AI (LLMs) costs $5.\n\nEnd."
    toks = [text[s:e] for s, e in tokenize(text)]
    assert toks == ["U.S.", "officials", "do", "n't", "agree", ":", "China", "'s", "state", "-", "of", "-", "the",
                    "-", "art", "AI", "(", "LLMs", ")", "costs", "$", "5", ".", "\n\n", "End", "."]


def new_version(store: Store, doc_id: str, edit) -> None:
    art = store.article(doc_id)
    store.add_articles([NewArticle(doc_id, art.title, art.source, edit(store.text(art.sha256)), art.meta)])


def test_stale_claims_fail_the_export_and_are_listed(store: Store, capsys):
    a = SEEDS[0].stem
    old_sha = store.article(a).sha256
    new_version(store, a, lambda t: "Breaking: " + t)
    out = store.root.parent / "out-native.jsonl"
    out.write_text("previous export\n", encoding="utf-8")
    rc, _ = export(store)
    err = capsys.readouterr().err
    assert rc == 1
    assert out.read_text(encoding="utf-8") == "previous export\n"  # nothing written
    stale = [c for c in store.stale_claims()]
    assert len(stale) == 4
    for c in stale:
        assert re.search(rf"{a} claim {c.id} .*{re.escape(c.quote[:20])}", err)
    assert "--allow-stale" in err
    assert old_sha != store.article(a).sha256


def test_allow_stale_exports_old_text_records_with_exact_offsets(store: Store):
    a = SEEDS[0].stem
    old_sha = store.article(a).sha256
    old_text = store.text(old_sha)
    new_version(store, a, lambda t: "Breaking: " + t)
    fresh = claim(store, a, 0, 8, annotator="ann")
    for fmt in ("native", "spacy", "doccano", "claims"):
        rc, recs = export(store, fmt, allow_stale=True)
        assert rc == 0, fmt
    _, recs = export(store, "native", allow_stale=True)
    mine = [r for r in recs if r["doc_id"] == a]
    # stale records (old text) come first, then the current ones
    assert [(r["annotator"], r["stale"]) for r in mine] == [("ann", True), ("bob", True), ("ann", False),
                                                             ("bob", False)]
    old = mine[0]
    assert old["text"] == old_text and old["text_sha256"] == old_sha and len(old["claims"]) == 3
    for c in old["claims"]:
        assert old_text[c["start"]:c["end"]] == c["text"]
    assert mine[2]["claims"][0]["id"] == fresh.id and mine[2]["text"].startswith("Breaking: ")
    _, recs = export(store, "spacy", allow_stale=True)
    assert [r["meta"]["stale"] for r in recs if r["meta"]["doc_id"] == a] == [True, True, False, False]
    _, recs = export(store, "claims", allow_stale=True)
    assert sorted(r["stale"] for r in recs if r["doc_id"] == a) == [False, True, True, True, True]


def test_wrong_span_stops_the_export_and_keeps_the_old_file(store: Store, capsys):
    # damage one claim's offsets behind the store's back
    for path in (store.root / "claims").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for rec in data.get("claims", {}).values():
            if rec["annotator"] == "bob":
                rec["start"] += 1
                path.write_text(json.dumps(data), encoding="utf-8")
    out = store.root.parent / "out-native.jsonl"
    out.write_text("previous export\n", encoding="utf-8")
    rc, _ = export(store)
    assert rc == 2
    assert "does not match" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert [p.name for p in out.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_cli_export_to_stdout_is_utf8(tmp_path: Path, capsysbinary):
    st = Store(tmp_path / "s")
    text = "Ünïcode 😀 中文 e\u0301 claims.\nSecond line."
    st.add_articles([NewArticle("u", "u", "-", normalize_text(text)[0], {})])
    claim(st, "u", 8, 9)
    rc = main(["export", "--store", str(tmp_path / "s"), "--format", "claims"])
    out = capsysbinary.readouterr().out
    assert rc == 0
    rec = json.loads(out.decode("utf-8"))
    assert rec["text"] == "😀" and "😀" in out.decode("utf-8")  # not \\ud83d escapes
    assert rec["context"] == "Ünïcode 😀 中文 é claims."


def test_cli_export_bad_output_folder(store: Store, capsys, tmp_path: Path):
    rc = main(["export", "--store", str(store.root), "-o", str(tmp_path / "missing" / "x.jsonl")])
    assert rc == 2
    assert "cannot write" in capsys.readouterr().err


def test_units_order_is_stable(store: Store):
    units = select_units(store)
    assert [(u.doc_id, u.annotator) for u in units] == sorted((u.doc_id, u.annotator) for u in units)
