"""export -> import into a fresh store -> export is lossless (hypothesis).

Texts mix emoji (with skin-tone modifiers), CJK, combining marks, newlines, tabs and
whatever else hypothesis draws (control characters are normalised away first, as
``claimtag add`` does). Claims are random valid spans by several annotators, some on
older versions of their article (stale: exported with --allow-stale)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.formats.export import run_export
from annotations.formats.importing import run_import
from annotations.models import Claim, NewArticle
from annotations.schema import load_schema
from annotations.store import Store
from annotations.text.normalize import normalize_text

SCHEMA = load_schema()
TYPES = [c.name for c in SCHEMA.claim_types]
STANCES = [c.name for c in SCHEMA.stances]
SPECIAL = ["😀", "👍🏽", "🇨🇳", "中", "文", "。", "e\u0301", "\u0301", "\u0308", "\n", "\n\n", " ", "\t", "【", "】",
           "ß", "İ", "Å", "a", "b", ".", "\"", "'", "-", "U.S.", "don't", "\u200d", "\ufeff"]

texts = (st.lists(st.one_of(st.sampled_from(SPECIAL), st.characters(blacklist_categories=("Cs",))),
                  min_size=1, max_size=80)
         .map(lambda parts: normalize_text("".join(parts))[0])
         .filter(lambda t: t.strip() != ""))
short = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
meta = st.dictionaries(st.sampled_from(["url", "date", "source", "n"]), st.one_of(short, st.integers(-5, 5)),
                       max_size=3)


def label_choice():
    sets = {s.name: [v.name for v in s.values] for s in SCHEMA.label_sets}
    return st.fixed_dictionaries({}, optional={
        name: (st.lists(st.sampled_from(values), unique=True, max_size=3)
               if SCHEMA.label_set(name).multiple else st.sampled_from(values).map(lambda v: [v]))
        for name, values in sets.items()})


@st.composite
def corpora(draw):
    """[(doc_id, title, meta, [text versions, oldest first], [claim kwargs], {annotator: (status, labels)})]"""
    docs = []
    for i in range(draw(st.integers(1, 3))):
        versions = draw(st.lists(texts, min_size=1, max_size=3, unique=True))
        claims = []
        for _ in range(draw(st.integers(0, 5))):
            v = draw(st.integers(0, len(versions) - 1))
            n = len(versions[v])
            start = draw(st.integers(0, n - 1))
            end = draw(st.integers(start + 1, n))
            claims.append(dict(version=v, start=start, end=end, annotator=draw(st.sampled_from(["ann", "bob", "名前"])),
                               type=draw(st.sampled_from(TYPES)), stance=draw(st.sampled_from(STANCES)),
                               target=draw(st.sampled_from(list(SCHEMA.targets))), note=draw(short)))
        states = draw(st.dictionaries(st.sampled_from(["ann", "carol"]), st.tuples(
            st.sampled_from(["todo", "in progress", "done"]), label_choice()), max_size=2))
        docs.append((f"doc-{i}" if i else "記事-0", draw(short), draw(meta), versions, claims, states))
    return docs


def build(root: Path, docs) -> Store:
    store = Store(root)
    for doc_id, title, meta_, versions, claims, states in docs:
        shas = []
        for text in versions:  # each version replaces the last: claims on older ones become stale
            store.add_articles([NewArticle(doc_id, title, "test", text, meta_)])
            shas.append(store.article(doc_id).sha256)
        for c in claims:
            text = versions[c["version"]]
            store.save_claim(Claim(Store.new_claim_id(), doc_id, shas[c["version"]], c["start"], c["end"],
                                   text[c["start"]:c["end"]], c["type"], c["stance"], c["target"],
                                   c["annotator"], c["note"]))
        for who, (status, labels) in states.items():
            store.set_state(doc_id, who, status=status, labels=labels)
    return store


def export(store: Store, fmt: str, out: Path) -> str:
    rc = run_export(store, SimpleNamespace(format=fmt, annotator=None, status=None, output=out, allow_stale=True))
    assert rc == 0
    return out.read_text(encoding="utf-8")


def import_(store: Store, fmt: str, path: Path) -> None:
    assert run_import(store, SimpleNamespace(file=path, format=fmt, annotator=None), schema=SCHEMA) == 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(corpora())
def test_export_import_export_is_lossless(docs):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        original = build(tmp / "a", docs)
        for fmt in ("native", "prodigy", "doccano", "labelstudio"):
            first_path = tmp / f"{fmt}-1.jsonl"
            first = export(original, fmt, first_path)
            fresh = Store(tmp / f"b-{fmt}")
            import_(fresh, fmt, first_path)
            # prodigy cannot carry the state of an article not yet worked on (answer "ignore": its text only)
            def carried(out: str) -> str:
                return out if fmt != "prodigy" else "".join(
                    line for line in out.splitlines(True) if '"answer": "accept"' in line)
            assert carried(export(fresh, fmt, tmp / f"{fmt}-2.jsonl")) == carried(first), fmt
            if fmt == "native":  # every claim, with its times, note and staleness
                key = lambda c: c.id  # noqa: E731
                assert sorted(fresh.all_claims(), key=key) == sorted(original.all_claims(), key=key)
                assert sorted(c.id for c in fresh.stale_claims()) == sorted(c.id for c in original.stale_claims())
            # importing into the store it came from changes nothing
            import_(original, fmt, first_path)
            assert export(original, fmt, tmp / f"{fmt}-3.jsonl") == first, fmt
