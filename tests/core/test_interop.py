"""The exports load unchanged in spaCy and Hugging Face ``datasets`` (offline)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from annotations.formats.export import run_export
from annotations.models import Claim, NewArticle
from annotations.store import Store
from annotations.text.normalize import normalize_text
from annotations.text.sentences import sentence_spans
from annotations.text.tokens import tokenize

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
TYPES, STANCES = ("fact", "opinion", "prediction"), ("favor", "against", "neutral")


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    return spacy.blank("en")


def seeded(root: Path) -> Store:
    """The seed articles, with claims as the app makes them: whole sentences, and sentences
    trimmed by whitespace-separated words (the app's word moves)."""
    store = Store(root)
    for path in SEEDS:
        text, removed = normalize_text(path.read_text(encoding="utf-8"))
        store.add_articles([NewArticle(path.stem, text.split("\n")[0], str(path), text, {"file": path.name}, removed)])
    for art in store.articles():
        text = store.text(art.sha256)
        for i, (s, e) in enumerate(sentence_spans(text)):
            spans = [(s, e)]
            words = [(s + m.start(), s + m.end()) for m in re.finditer(r"\S+", text[s:e])]
            if len(words) > 3:
                spans.append((words[1][0], words[-2][1]))
            for j, (a, b) in enumerate(spans):
                store.save_claim(Claim(Store.new_claim_id(), art.id, art.sha256, a, b, text[a:b], TYPES[i % 3],
                                       STANCES[(i + j) % 3], "Chinese AI", "ann"))
        store.set_state(art.id, "ann", status="done", labels={"frame": ["technology"]})
    return store


def export(store: Store, fmt: str, out: Path) -> Path:
    assert run_export(store, SimpleNamespace(format=fmt, annotator=None, status=None, output=out,
                                             allow_stale=False)) == 0
    return out


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("interop")
    store = seeded(tmp / "store")
    return {fmt: export(store, fmt, tmp / f"{fmt}.jsonl") for fmt in ("native", "claims", "spacy")}


def test_spacy_char_span_matches_every_span(exported, nlp):
    recs = [json.loads(line) for line in exported["spacy"].read_text(encoding="utf-8").splitlines()]
    assert len(recs) == len(SEEDS)
    n, off = 0, []
    for rec in recs:
        doc = nlp.make_doc(rec["text"])
        # our tokens are spaCy's on these texts, so token indices agree too
        assert [(t["start"], t["end"]) for t in rec["tokens"]] == [(t.idx, t.idx + len(t)) for t in doc]
        assert [t["ws"] for t in rec["tokens"]] == [bool(t.whitespace_) for t in doc]
        starts, ends = {t.idx for t in doc}, {t.idx + len(t) for t in doc}
        for span in rec["spans"]:
            if span["start"] not in starts or span["end"] not in ends:
                # a sentence glued to the next one ("companies.**China’s"): spaCy has one token there
                off.append(span)
                cs = doc.char_span(span["start"], span["end"], alignment_mode="expand")
                assert cs.start == span["token_start"] and cs.end - 1 == span["token_end"]
                continue
            cs = doc.char_span(span["start"], span["end"], label=span["label"])
            assert cs is not None, span
            assert cs.text == span["text"] == rec["text"][span["start"]:span["end"]]
            assert (cs.start, cs.end - 1) == (span["token_start"], span["token_end"])
            n += 1
    assert n > 300 and len(off) <= 2  # the seed with "**" headings glued to a sentence end


def test_spacy_export_makes_training_docs(exported, nlp):
    from spacy.tokens import DocBin

    db = DocBin()
    for line in exported["spacy"].read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        doc = nlp.make_doc(rec["text"])
        doc.spans["sc"] = [doc.char_span(s["start"], s["end"], label=s["label"], alignment_mode="expand")
                           for s in rec["spans"]]
        db.add(doc)
    docs = list(db.get_docs(nlp.vocab))
    assert {s.label_ for d in docs for s in d.spans["sc"]} == {"FACT", "OPINION", "PREDICTION"}


def test_tokenizer_agrees_with_spacy_on_the_seeds(nlp):
    for path in SEEDS:
        text = normalize_text(path.read_text(encoding="utf-8"))[0]
        assert tokenize(text) == [(t.idx, t.idx + len(t)) for t in nlp.make_doc(text)], path.name


LOAD = r"""
import json, socket, sys
def no_network(*args, **kwargs):
    raise OSError("network use in an offline test")
socket.socket.connect = no_network
socket.create_connection = no_network
from datasets import load_dataset
out = {}
for name, path in json.loads(sys.argv[1]).items():
    ds = load_dataset("json", data_files=path, split="train", cache_dir=sys.argv[2])
    out[name] = {"rows": ds.num_rows, "columns": ds.column_names, "first": ds[0]}
print(json.dumps(out, ensure_ascii=False, default=str))
"""


def test_datasets_loads_native_and_claims_offline(exported, tmp_path: Path):
    pytest.importorskip("datasets")
    env = dict(os.environ, HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", HF_HOME=str(tmp_path / "hf"),
               HF_DATASETS_CACHE=str(tmp_path / "hf-datasets"), HF_HUB_DISABLE_TELEMETRY="1")
    files = {k: str(exported[k]) for k in ("native", "claims")}
    proc = subprocess.run([sys.executable, "-c", LOAD, json.dumps(files), str(tmp_path / "cache")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    native = [json.loads(x) for x in exported["native"].read_text(encoding="utf-8").splitlines()]
    claims = [json.loads(x) for x in exported["claims"].read_text(encoding="utf-8").splitlines()]
    assert got["native"]["rows"] == len(native) == len(SEEDS)
    assert got["native"]["columns"] == list(native[0])
    first = got["native"]["first"]
    assert first["text"] == native[0]["text"] and first["claims"][0]["text"] == native[0]["claims"][0]["text"]
    assert got["claims"]["rows"] == len(claims) == sum(len(r["claims"]) for r in native)
    assert got["claims"]["columns"] == list(claims[0])
    assert got["claims"]["first"]["context"] == claims[0]["context"]
