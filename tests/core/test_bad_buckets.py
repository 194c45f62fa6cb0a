"""One bad bucket or hand-edited record does not take the store down (issue 8, G): it is named and
skipped; the app and every command go on with the rest; ``check`` validates each record's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.cli import main
from annotations.models import Claim
from annotations.store import Store, bucket_of

FIRST = "000_ecb1173961431c24"


def claim_on(store: Store, article_id: str, annotator: str = "alice") -> Claim:
    art = store.article(article_id)
    text = store.text(art.sha256)
    return store.save_claim(Claim(Store.new_claim_id(), article_id, art.sha256, 0, 5, text[:5], "fact", "favor",
                                  "Chinese AI", annotator))


def bucket(store: Store, kind: str, article_id: str = FIRST) -> Path:
    return store.root / kind / f"{bucket_of(article_id)}.json"


def edit(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    table = next(iter(data.values()))
    for doc in table.values():
        change(doc)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize("kind", ["corpus", "states"])
def test_a_truncated_bucket_hides_only_its_own_records(seeded_store: Store, kind: str, capsys, tmp_path: Path):
    for art in seeded_store.articles():
        claim_on(seeded_store, art.id)
    path = bucket(seeded_store, kind)
    path.write_bytes(path.read_bytes()[:40])
    store = Store(seeded_store.root)
    assert len(store.articles()) == (4 if kind == "corpus" else 5)
    assert len(store.states()) == (5 if kind == "corpus" else 4)
    assert f"{kind}/{path.name}" in store.skipped
    root = str(seeded_store.root)
    assert main(["stats", "--store", root]) == 1
    out = tmp_path / "out.jsonl"
    assert main(["export", "--store", root, "-o", str(out)]) == 1
    assert len(out.read_text().splitlines()) == (4 if kind == "corpus" else 5)
    err = capsys.readouterr().err
    assert f"skipped {kind}/{path.name}" in err and "Traceback" not in err
    assert main(["check", "--store", root]) == 1
    assert str(path) in capsys.readouterr().err


@pytest.mark.parametrize("kind,change", [
    ("claims", lambda d: d.pop("start")),
    ("claims", lambda d: d.update(start="zero")),
    ("claims", lambda d: d.update(type=None)),
    ("corpus", lambda d: d.pop("sha256")),
    ("corpus", lambda d: d.update(length="long")),
    ("states", lambda d: d.update(labels="stance")),
    ("states", lambda d: d.update(status=3)),
    ("states", lambda d: d.pop("annotator")),
])
def test_hand_edited_records_are_named_and_skipped(seeded_store: Store, kind, change, capsys, tmp_path: Path):
    claim_on(seeded_store, FIRST)
    seeded_store.set_state(FIRST, "alice", labels={"stance": ["favor"]})
    edit(bucket(seeded_store, kind), change)
    root = str(seeded_store.root)
    assert main(["check", "--store", root]) == 1
    err = capsys.readouterr().err
    assert "missing field" in err or "is not" in err or "one of" in err
    main(["check", "--store", root, "--repair"])  # no crash; what it cannot fix it says
    for cmd in (["stats"], ["export", "-o", str(tmp_path / "o.jsonl")]):
        assert main([*cmd, "--store", root]) in (0, 1)
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Error:" not in err
    store = Store(seeded_store.root)
    assert len(store.articles()) >= 4
    store.progress("alice")
    store.claims(FIRST)


def test_labels_set_to_a_string_is_found_by_check_and_mended_by_the_next_save(seeded_store: Store):
    seeded_store.set_state(FIRST, "alice", status="in progress", labels={"stance": ["favor"]})
    edit(bucket(seeded_store, "states"), lambda d: d.update(labels="stance"))
    assert any("labels" in p for p in seeded_store.check())
    state = seeded_store.set_state(FIRST, "alice", labels={"stance": ["against"]})  # crashed before
    assert state.labels == {"stance": ["against"]}
    assert seeded_store.check() == []


def test_no_command_prints_a_stored_escape_raw(tmp_path, capsys):
    """Records planted past the input gate (by hand, or an older version): every command's output
    quotes them escaped (check lines, skipped names, errors, stats, agree)."""
    from annotations.models import NewArticle

    evil = "\x1b]0;PWNED\x07\x1b[2J"
    store = Store(tmp_path / "store")
    text = "China leads in AI. The US disagrees."
    store.add_articles([NewArticle(f"a{evil}", f"T{evil}", f"s{evil}", text, {})])
    art = store.articles()[0]
    for who in (f"eve{evil}", "bob"):
        store.save_claim(Claim(f"c{who}", art.id, art.sha256, 0, 18, text[:18], f"fact{evil}", "favor", f"t{evil}", who))
    edit(bucket(store, "states", art.id), lambda d: d.update(n_claims=7))  # a problem check will name
    root = str(store.root)
    for cmd in (["check"], ["stats"], ["agree"], ["agree", "--json"], ["export", "--format", "doccano"]):
        main([*cmd, "--store", root])
        out, err = capsys.readouterr()
        assert "\x1b" not in out + err and "\x07" not in out + err, cmd
