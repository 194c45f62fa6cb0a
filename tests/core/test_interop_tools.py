"""Issue 12: each export loads unchanged in the tool it targets, and what a format carries comes back on
import. spaCy and Hugging Face datasets run here (the real libraries); Label Studio and brat cannot run
in CI, so their files are checked against the shapes those tools read (a JSON array with the labeling
config's names; brat's standoff rules) and round-tripped through claimtag's own import."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest

from annotations.formats.base import ExportOptions
from annotations.formats.export import run_export
from annotations.formats.importing import run_import
from annotations.models import Claim
from annotations.schema import load_schema
from annotations.store import Store
from tests.core.test_interop import seeded

SCHEMA = load_schema()


def team(root: Path) -> Store:
    """The seeds annotated by ann (whole sentences and trimmed ones: overlapping), and bob on one article
    with no article labels at all (the per-annotator file whose labels used to load as another type),
    one claim with a note, one span with a claim per target."""
    store = seeded(root)
    art = store.articles()[0]
    text = store.text(art.sha256)
    for k, target in enumerate(SCHEMA.targets):
        store.save_claim(Claim(f"bob-{k}", art.id, art.sha256, 0, 14, text[0:14], "fact", "favor", target, "bob",
                               note="the byline" if k == 0 else ""))
    store.set_state(art.id, "bob", status="in progress")
    return store


def export(store: Store, fmt: str, out: Path | None, **options) -> tuple[int, str]:
    err = io.StringIO()
    args = SimpleNamespace(format=fmt, annotator=options.pop("annotator", None), status=None, output=out,
                           allow_stale=False, schema_loaded=SCHEMA, **options)
    return run_export(store, args, err=err), err.getvalue()


def import_(store: Store, fmt: str, path: Path) -> tuple[int, str]:
    err = io.StringIO()
    return run_import(store, SimpleNamespace(file=path, format=fmt, annotator=None), schema=SCHEMA, err=err), \
        err.getvalue()


def claims_of(store: Store) -> list[tuple]:
    return sorted((c.id, c.article_id, c.annotator, c.start, c.end, c.type, c.stance, c.target, c.note, c.created,
                   c.updated) for c in store.all_claims())


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    return team(tmp_path_factory.mktemp("tools") / "store")


# -- Label Studio ------------------------------------------------------------------------------------

def test_labelstudio_is_a_json_array_with_the_configs_names_and_comes_back_whole(store, tmp_path):
    out, config = tmp_path / "tasks.json", tmp_path / "config.xml"
    rc, err = export(store, "labelstudio", out, config_out=config)
    assert rc == 0 and "unit(s): every status" in err
    tasks = json.loads(out.read_text(encoding="utf-8"))  # one JSON document: LS refuses JSONL
    assert isinstance(tasks, list) and all(set(t) == {"data", "annotations"} for t in tasks)
    root = ET.parse(config).getroot()
    names = {el.get("name"): el for el in root.iter() if el.get("name")}
    assert names["label"].tag == "Labels" and {c.get("value") for c in names["label"]} == {"fact", "opinion", "prediction"}
    assert names["stance"].get("perRegion") == "true" and names["target"].get("perRegion") == "true"
    for t in tasks:
        text = t["data"]["text"]
        for r in t["annotations"][0]["result"]:
            assert r["from_name"] in names and r["to_name"] == "text"
            if "start" in r["value"] and r["type"] != "textarea":  # code points, like Label Studio 1.23
                assert text[r["value"]["start"]:r["value"]["end"]] == r["value"]["text"]
    fresh = Store(tmp_path / "fresh")
    assert import_(fresh, "labelstudio", out)[0] == 0
    assert claims_of(fresh) == claims_of(store)  # ids, offsets, types, stances, targets, notes, times
    again = tmp_path / "again.json"
    assert export(fresh, "labelstudio", again)[0] == 0 and again.read_bytes() == out.read_bytes()


def test_labelstudio_import_refuses_what_it_cannot_read_with_the_task_number(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"data": {"text": "x y z", "annotator": "a"}, "annotations": [
        {"result": [{"id": "r1", "from_name": "stance", "to_name": "text", "type": "choices",
                     "value": {"start": 0, "end": 1, "text": "x", "choices": ["favor"]}}]}]}]))
    rc, err = import_(Store(tmp_path / "s"), "labelstudio", bad)
    assert rc == 1 and "task 1: region r1: a stance/target/note with no label region" in err
    bad.write_text('{"data": {}}\n{"data": {}}\n')  # JSONL is not Label Studio's shape
    rc, err = import_(Store(tmp_path / "s"), "labelstudio", bad)
    assert rc == 1 and "not valid JSON" in err


# -- brat ---------------------------------------------------------------------------------------------

def test_brat_folder_has_byte_exact_texts_and_standoff_that_matches_them(store, tmp_path):
    out = tmp_path / "brat"
    assert export(store, "brat", out)[0] == 0
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    assert "[entities]\nfact\nopinion\nprediction\n" in conf and "Target\tArg:<ENTITY>, Value:Chinese_AI|US_AI_policy" in conf
    art = store.articles()[0]
    txt = out / f"{art.id}.bob.txt"
    assert txt.read_bytes() == store.text(art.sha256).encode("utf-8")
    text = txt.read_text(encoding="utf-8")
    ann = (out / f"{art.id}.bob.ann").read_text(encoding="utf-8").splitlines()
    entities = [ln.split("\t") for ln in ann if ln.startswith("T")]
    assert len(entities) == 2  # one span, a claim per target
    for _, where, quote in entities:
        kind, *offsets = where.replace(";", " ").split(" ")
        pieces = [text[int(a):int(b)] for a, b in zip(offsets[::2], offsets[1::2])]
        assert kind == "fact" and " ".join(pieces) == quote and "\n" not in quote
    assert "A2\tTarget T1 Chinese_AI" in ann and "A4\tTarget T2 US_AI_policy" in ann
    assert "#1\tAnnotatorNotes T1\tthe byline" in ann
    for ann_file in out.glob("*.ann"):  # every span of every file points at its own text
        text = ann_file.with_suffix(".txt").read_text(encoding="utf-8")
        for ln in ann_file.read_text(encoding="utf-8").splitlines():
            if ln.startswith("T"):
                _, where, quote = ln.split("\t")
                offsets = where.replace(";", " ").split(" ")[1:]
                assert " ".join(text[int(a):int(b)] for a, b in zip(offsets[::2], offsets[1::2])) == quote


# -- spaCy DocBin --------------------------------------------------------------------------------------

def test_docbin_loads_in_spacy_and_trains_a_span_categorizer(store, tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin
    from spacy.training import Example

    out = tmp_path / "claims.spacy"
    rc, err = export(store, "docbin", out, span_label="type:stance")
    assert rc == 0
    nlp = spacy.blank("en")
    docs = list(DocBin().from_bytes(out.read_bytes()).get_docs(nlp.vocab))
    units = {(d.user_data["claimtag"]["doc_id"], d.user_data["claimtag"]["annotator"]): d for d in docs}
    doc = units[(store.articles()[0].id, "bob")]
    assert [s.label_ for s in doc.spans["claims"]] == ["fact:favor", "fact:favor"]
    assert [c["target"] for c in doc.user_data["claimtag"]["claims"]] == list(SCHEMA.targets)
    n_claims = sum(len(d.spans["claims"]) for d in docs)
    assert n_claims == len(list(store.all_claims()))  # expanded, not dropped, by default
    # the training path: Example.from_dict with the spans, one update of a span categorizer
    examples = [Example.from_dict(nlp.make_doc(d.text), {"spans": {"claims": [(s.start_char, s.end_char, s.label_)
                                                                             for s in d.spans["claims"]]}})
                for d in docs]
    train = spacy.blank("en")
    train.add_pipe("spancat", config={"spans_key": "claims"})
    train.initialize(lambda: examples)
    losses = train.update(examples)
    assert losses["spancat"] > 0


def test_docbin_says_how_many_spans_left_token_boundaries(store, tmp_path):
    pytest.importorskip("spacy")
    art = store.articles()[1]
    text = store.text(art.sha256)
    mid = text.index("artificial") + 2  # a mid-word span
    tmp = Store(tmp_path / "s")
    from annotations.models import NewArticle
    tmp.add_articles([NewArticle(art.id, art.title, "x", text, {})])
    tmp.save_claim(Claim("mid", art.id, art.sha256, mid, mid + 5, text[mid:mid + 5], "fact", "favor", "Chinese AI", "a"))
    rc, err = export(tmp, "docbin", tmp_path / "a.spacy")
    assert rc == 0 and "1 span(s) off spaCy's token boundaries expanded to whole tokens" in err
    rc, err = export(tmp, "docbin", tmp_path / "b.spacy", misaligned="drop")
    assert rc == 0 and "1 span(s) off spaCy's token boundaries dropped" in err


# -- Hugging Face datasets ----------------------------------------------------------------------------

HF = """
import json, sys
from datasets import concatenate_datasets, load_dataset, load_from_disk
files, hf_dir, parquet = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
parts = [load_dataset("json", data_files=f, split="train", cache_dir=sys.argv[4]) for f in files]
both = concatenate_datasets(parts)  # per-annotator exports: the same features
both.to_parquet(parquet)
d = load_from_disk(hf_dir)
print(json.dumps({"features": [str(p.features) for p in parts], "rows": both.num_rows,
                  "splits": {k: sorted(set(d[k]["doc_id"])) for k in d}, "hf_features": str(d["train"].features),
                  "labels": d["train"][0]["labels"]}))
"""


def test_per_annotator_exports_concatenate_and_write_parquet_and_hf_loads_from_disk(store, tmp_path):
    pytest.importorskip("datasets")
    files = []
    for who in ("ann", "bob"):
        path = tmp_path / f"{who}.jsonl"
        assert export(store, "native", path, annotator=who)[0] == 0
        files.append(str(path))
    hf_dir = tmp_path / "hf"
    assert export(store, "hf", hf_dir)[0] == 0
    env = dict(os.environ, HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", HF_HOME=str(tmp_path / "home"))
    proc = subprocess.run([sys.executable, "-c", HF, json.dumps(files), str(hf_dir), str(tmp_path / "all.parquet"),
                           str(tmp_path / "cache")], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    # labels: the same struct in both files (a set no row of a file sets is a list of null there, which
    # datasets aligns with a list of strings when it concatenates; before, labels was Json in one file)
    same = [f.replace("Value('null')", "Value('string')") for f in got["features"]]
    assert same[0] == same[1] and "Json" not in same[0]
    assert got["rows"] == 6 and (tmp_path / "all.parquet").stat().st_size > 0
    splits = got["splits"]
    seen = [d for ids in splits.values() for d in ids]
    assert len(seen) == len(set(seen)) == 5  # every article in exactly one split
    assert set(got["labels"]) == {"stance", "frame"}


# -- doccano ------------------------------------------------------------------------------------------

def test_doccano_import_matches_spans_by_offsets_and_label_not_position(store, tmp_path):
    """Issue 12: a doccano export with fewer spans than meta.claims (doccano dropped overlapping ones)
    imported with stances and targets shifted onto the wrong spans. Now each span finds its own entry."""
    out = tmp_path / "doccano.jsonl"
    rc, err = export(store, "doccano", out, doccano_label="type:stance")
    assert rc == 0 and "overlap another: doccano keeps them only in a project that allows overlapping spans" in err
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert recs[0]["label"][0][2] in ("FACT:FAVOR", "FACT:AGAINST", "FACT:NEUTRAL")
    for r in recs:  # what doccano does to a project without overlapping spans: drops some, reorders the rest
        r["label"] = sorted(r["label"][::2], key=lambda t: -t[0])
    edited = tmp_path / "from-doccano.jsonl"
    edited.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    fresh = Store(tmp_path / "fresh")
    rc, err = import_(fresh, "doccano", edited)
    assert rc == 0 and "meta.claims entries with no span (deleted or dropped by doccano" in err
    original = {c.id: c for c in store.all_claims()}
    got = list(fresh.all_claims())
    assert got and all(c == original[c.id] for c in got)  # ids, stances, targets, notes, times: each its own
    assert len(got) == sum(len(r["label"]) for r in recs)


def test_a_span_added_in_doccano_gets_its_stance_from_a_type_stance_label(tmp_path):
    rec = {"text": "China leads. The US lags.", "label": [[0, 12, "FACT:AGAINST"]],
           "meta": {"annotator": "ann", "claims": []}}
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(rec) + "\n")
    fresh = Store(tmp_path / "s")
    rc, err = import_(fresh, "doccano", path)
    assert rc == 0 and "1 span(s) not in meta.claims (new claims)" in err
    (c,) = fresh.all_claims()
    assert (c.type, c.stance, c.quote) == ("fact", "against", "China leads.")


def test_export_options_have_their_defaults():
    assert ExportOptions() == ExportOptions(doccano_label="type", span_label="type", misaligned="expand", lang="en",
                                            seed=0, config_out=None)
