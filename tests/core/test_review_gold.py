"""The gold layer, headless: every review step (pick, edit, no claim, rationale, accept unanimous) as
the store holds it afterwards, undo/redo, re-merging after annotators change their work, blind letters,
who may review, and the exports of the gold layer."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from annotations.cli import check_annotator
from annotations.errors import StoreError
from annotations.models import GOLD, Claim, NewArticle
from annotations.review.layers import Letters, NotAReviewer, may_review
from annotations.review.overview import review_rows, select_rows
from annotations.review.session import ReviewSession, word_step
from annotations.schema import SchemaError, parse_schema
from annotations.store import Store

TEXT = "The minister said taxes will rise. Critics say growth will fall. Nobody knows why. It rained."
S1, S2, S3 = (0, 34), (35, 64), (65, 83)


def claim(store: Store, who: str, span: tuple[int, int], stance: str = "favor", type_: str = "fact",
          article_id: str = "a1") -> Claim:
    art = store.article(article_id)
    text = store.text(art.sha256)
    s, e = span
    return Claim(Store.new_claim_id(), article_id, art.sha256, s, e, text[s:e], type_, stance, "other", who)


@pytest.fixture
def two(store: Store) -> Store:
    """alice and bob on one article: S1 alike, S2 differing in stance and boundary, S3 only alice."""
    store.add_articles([NewArticle("a1", "Taxes", "x", TEXT, {})])
    store.save_many([claim(store, "alice", S1), claim(store, "bob", S1),
                     claim(store, "alice", S2, "against"), claim(store, "bob", (35, 60), "favor"),
                     claim(store, "alice", S3)])
    for who in ("alice", "bob"):
        store.set_state("a1", who, status="done", labels={"frame": ["economic"]})
    return store


def session(store: Store, schema, reviewer: str = "lead", blind: bool = False) -> ReviewSession:
    art = store.article("a1")
    return ReviewSession(store, schema, art, reviewer, Letters("a1", ["alice", "bob"], blind=blind))


def gold(store: Store) -> list[tuple[int, int, str]]:
    return [(c.start, c.end, c.stance) for c in store.claims("a1", GOLD)]


def test_units_and_queue(two, schema):
    s = session(two, schema)
    assert [(u.start, u.end, sorted(u.kinds)) for u in s.units] == [
        (0, 34, []), (35, 64, ["boundary", "stance"]), (65, 83, ["missing"])]
    assert s.open_count() == 2
    assert s.next_conflict() and s.index == 1
    assert s.next_conflict() and s.index == 2
    assert s.next_conflict() and s.index == 1  # wraps
    assert s.next_conflict(-1) and s.index == 2


def test_accept_unanimous_merges_units_and_labels_with_provenance(two, schema):
    s = session(two, schema)
    s.accept_unanimous()
    assert gold(two) == [(0, 34, "favor")]
    (d,) = [d for d in two.decisions("a1") if d.how == "unanimous"]
    assert d.sources == ("alice", "bob") and d.reviewer == "lead" and d.at
    state = two.state("a1", GOLD)
    assert state.labels == {"frame": ["economic"]} and state.status == "in progress"
    assert s.accept_unanimous() == "nothing unanimous left to accept"


def test_pick_edit_rationale_no_claim_and_undo_redo(two, schema):
    s = session(two, schema)
    s.next_conflict()
    s.pick("bob")
    assert gold(two) == [(35, 60, "favor")]
    d = s.decision
    assert d.how == "picked" and d.sources == ("bob",)
    s.edit_stance("against")
    s.edit_bounds("end", 1)
    assert gold(two) == [(35, 64, "against")]
    assert s.decision.how == "edited" and s.decision.sources == ("bob",)
    s.rationale("bob's span, alice's stance")
    s.no_claim()
    assert gold(two) == []
    (neg,) = two.decisions("a1")
    assert neg.how == "no claim" and neg.claim_ids == () and neg.rationale == "bob's span, alice's stance"
    assert neg.sources == ("alice", "bob")
    assert s.undo().startswith("undone: no claim")
    assert gold(two) == [(35, 64, "against")] and two.decisions("a1")[0].how == "edited"
    for _ in range(4):
        s.undo()
    assert gold(two) == [] and two.decisions("a1") == [] and two.state("a1", GOLD).status == "todo"
    assert s.undo() is None
    s.redo()
    s.redo()
    assert gold(two) == [(35, 60, "against")]
    assert two.check() == []


def test_every_unit_decided_makes_gold_done(two, schema):
    s = session(two, schema)
    s.accept_unanimous()
    s.next_conflict()
    s.pick("alice")
    s.next_conflict()
    s.no_claim()
    assert two.state("a1", GOLD).status == "done" and s.open_count() == 0


def test_remerge_keeps_manual_decisions_and_says_which_changed(two, schema):
    s = session(two, schema)
    s.accept_unanimous()
    s.next_conflict()
    s.pick("alice")  # manual
    # the annotators change their work: bob fixes his S2 claim, alice drops her S1 claim
    bob_s2 = next(c for c in two.claims("a1", "bob") if c.start == 35)
    two.save_claim(replace(bob_s2, stance="neutral"))
    alice_s1 = next(c for c in two.claims("a1", "alice") if c.start == 0)
    two.delete_claim("a1", alice_s1.id, "alice")
    s.reload()
    assert s.changed(1) and s.is_open(1)  # the manual decision is flagged, not changed
    assert s.changed(0)  # the automatic one, too
    s.accept_unanimous()
    # the picked claim stays; S1 is no longer unanimous (only bob's claim left): its automatic merge is gone
    assert gold(two) == [(35, 64, "against")]
    assert s.decision is not None and s.decision.how == "picked"


def test_orphan_automatic_decision_goes_on_remerge(two, schema):
    s = session(two, schema)
    s.accept_unanimous()
    for c in two.claims("a1"):
        if c.start == 0 and c.annotator != GOLD:
            two.delete_claim("a1", c.id, c.annotator)
    s.reload()
    assert [d.how for d in s.orphans] == ["unanimous"]
    s.accept_unanimous()
    assert gold(two) == []


def test_edit_before_any_decision_picks_the_focused_variant(two, schema):
    s = session(two, schema)
    s.next_conflict()
    assert s.variant == "alice"
    assert s.next_variant() == "bob"
    s.edit_type("opinion")
    (c,) = two.claims("a1", GOLD)
    assert (c.start, c.end, c.type, c.stance) == (35, 60, "opinion", "favor")
    assert s.decision.how == "edited" and s.decision.sources == ("bob",)


def test_rationale_needs_a_decision(two, schema):
    s = session(two, schema)
    with pytest.raises(StoreError, match="decide the unit first"):
        s.rationale("why")


def test_word_step_moves_by_words_and_never_empties():
    text = "one two three four"
    assert word_step(text, 4, 7, "end", 1) == (4, 13)
    assert word_step(text, 4, 13, "end", -1) == (4, 7)
    assert word_step(text, 4, 7, "end", -1) == (4, 7)
    assert word_step(text, 4, 7, "start", 1) == (0, 7)
    assert word_step(text, 0, 7, "start", -1) == (4, 7)
    assert word_step(text, 4, 7, "start", -1) == (4, 7)


def test_gold_labels_toggle_and_undo(two, schema):
    s = session(two, schema)
    s.toggle_label("frame", "security")
    assert two.state("a1", GOLD).labels == {"frame": ["security"]}
    (d,) = two.decisions("a1")
    assert d.how == "labels" and d.sources == ()
    s.undo()
    assert two.state("a1", GOLD).labels == {}


def test_blind_letters_are_shuffled_per_article_and_hide_names():
    names = [f"annotator{i}" for i in range(6)]
    orders = {tuple(Letters(f"art{k}", names, blind=True, secret="s").ordered(names)) for k in range(20)}
    assert len(orders) > 1  # shuffled per article
    letters = Letters("art1", names, blind=True)
    assert all(letters.name(w) in "ABCDEF" and w not in letters.legend() for w in names)
    plain = Letters("art1", ["bob", "alice"])
    assert plain.name("alice") == "A alice" and plain.name("bob") == "B bob"


def test_who_may_review():
    may_review((), "anyone")
    may_review(("lead",), "lead")
    with pytest.raises(NotAReviewer, match="not a reviewer"):
        may_review(("lead",), "alice")


def test_review_settings_in_the_schema(schema):
    base = (schema.source if schema.source != "built-in" else None)
    del base
    from annotations.schema.model import PACKAGE_DIR

    text = (PACKAGE_DIR / "default_schema.toml").read_text(encoding="utf-8")
    s = parse_schema(text + '\n[review]\nreviewers = ["lead", "qa"]\nblind = true\n', "claimtag.toml")
    assert s.review.reviewers == ("lead", "qa") and s.review.blind
    with pytest.raises(SchemaError, match=r"claimtag.toml:\d+: review: reviewers must be a list"):
        parse_schema(text + '\n[review]\nreviewers = "lead"\n', "claimtag.toml")
    with pytest.raises(SchemaError, match="unknown setting 'blnd'"):
        parse_schema(text + '\n[review]\nblnd = true\n', "claimtag.toml")


def test_gold_is_not_an_annotator_name():
    with pytest.raises(StoreError, match="reviewers' layer"):
        check_annotator(GOLD)


def test_review_rows_filters_and_sort(two, schema):
    two.add_articles([NewArticle("a2", "Other", "x", TEXT, {})])
    two.save_many([claim(two, "alice", S1, article_id="a2"), claim(two, "bob", S1, article_id="a2")])
    rows = {r.article.id: r for r in review_rows(two)}
    assert rows["a1"].open == 2 and rows["a1"].units == 3 and abs(rows["a1"].agreement - 1 / 3) < 1e-9
    assert rows["a2"].open == 0 and rows["a2"].agreement == 1.0
    assert rows["a1"].statuses == (("alice", "done"), ("bob", "done"))
    all_rows = list(rows.values())
    assert [r.article.id for r in select_rows(all_rows, "conflicts")] == ["a1"]
    assert [r.article.id for r in select_rows(all_rows, "all", by_agreement=True)] == ["a1", "a2"]
    session(two, schema).accept_unanimous()
    s = session(two, schema)
    s.next_conflict()
    s.pick("alice")
    s.next_conflict()
    s.no_claim()
    assert [r.article.id for r in select_rows(review_rows(two), "unreviewed")] == ["a2"]


def test_agreement_leaves_gold_out(two, schema):
    from annotations.metrics.report import agreement

    session(two, schema).accept_unanimous()
    assert agreement(two).annotators == ["alice", "bob"]


def run(store: Store, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui.main", *args, "--store", str(store.root)],
                          capture_output=True, text=True)


def test_export_gold_native_carries_provenance_and_negatives(two, schema):
    s = session(two, schema)
    s.accept_unanimous()
    s.next_conflict()
    s.pick("bob")
    s.rationale("closer to the guideline")
    s.next_conflict()
    s.no_claim()
    out = run(two, "export", "--format", "native", "--annotator", "gold")
    assert out.returncode == 0, out.stderr
    (rec,) = [json.loads(line) for line in out.stdout.splitlines()]
    assert rec["annotator"] == "gold" and rec["status"] == "done" and rec["labels"] == {"frame": ["economic"], "stance": []}
    provenance = {c["text"]: c["provenance"] for c in rec["claims"]}
    assert provenance[TEXT[0:34]]["how"] == "unanimous" and provenance[TEXT[0:34]]["sources"] == ["alice", "bob"]
    picked = provenance[TEXT[35:60]]
    assert picked["how"] == "picked" and picked["sources"] == ["bob"] and picked["reviewer"] == "lead"
    assert picked["rationale"] == "closer to the guideline"
    negatives = [d for d in rec["decisions"] if d["how"] == "no claim"]
    assert [(d["start"], d["end"], d["text"]) for d in negatives] == [(65, 83, TEXT[65:83])]
    # --layer is the same option; every format takes it
    for fmt in ("claims", "spacy", "doccano"):
        out = run(two, "export", "--format", fmt, "--layer", "gold")
        assert out.returncode == 0 and "alice" not in out.stdout.replace('"alice", "bob"', ""), (fmt, out.stderr)
    # the gold export imports back as a gold layer (provenance fields are not refused)
    path = two.root.parent / "gold.jsonl"
    path.write_text(run(two, "export", "--annotator", "gold").stdout, encoding="utf-8")
    other = Store(two.root.parent / "other")
    other.add_articles([NewArticle("a1", "Taxes", "x", TEXT, {})])
    back = run(other, "import", str(path))
    assert back.returncode == 0, back.stderr
    assert [(c.start, c.end) for c in other.claims("a1", GOLD)] == [(0, 34), (35, 60)]


def test_a_decision_record_of_the_wrong_shape_is_skipped_and_named(two, schema):
    session(two, schema).accept_unanimous()
    from annotations.store import bucket_of

    path = two.root / "review" / f"{bucket_of('a1')}.json"
    data = json.loads(path.read_text())
    docs = list(data["decisions"].values())
    docs[0]["how"] = "\x1b[31mmagic"
    path.write_text(json.dumps(data))
    fresh = Store(two.root)
    assert len(fresh.decisions("a1")) == len(docs) - 1
    assert any("review record" in k for k in fresh.skipped)
    problems = fresh.check()
    assert any("decision" in p and "field how" in p for p in problems) and not any("\x1b" in p for p in problems)


def test_check_puts_back_a_lost_decision(two, schema):
    """A decision the log acknowledges but the store lost (a restored backup, a hand edit) is reported
    and put back by check --repair, like a claim."""
    s = session(two, schema)
    s.next_conflict()
    s.pick("alice")
    from annotations.store import bucket_of

    path = two.root / "review" / f"{bucket_of('a1')}.json"
    path.write_text(json.dumps({"decisions": {}}))
    fresh = Store(two.root)
    problems = fresh.check()
    assert any(p.startswith("decision ") and "acknowledged change is missing" in p for p in problems)
    fresh.check(repair=True)
    assert [d.how for d in Store(two.root).decisions("a1")] == ["picked"] and Store(two.root).check() == []


def test_claimtag_review_refuses_who_is_not_a_reviewer(two, tmp_path):
    from annotations.schema.model import PACKAGE_DIR

    text = (PACKAGE_DIR / "default_schema.toml").read_text(encoding="utf-8")
    schema_file = tmp_path / "claimtag.toml"
    schema_file.write_text(text + '\n[review]\nreviewers = ["somebody-else"]\n', encoding="utf-8")
    for argv in (["review"], ["--review"]):
        out = run(two, *argv, "--schema", str(schema_file))
        assert out.returncode == 2 and "is not a reviewer of this project" in out.stderr, out.stderr
    out = run(two, "--annotator", "gold")
    assert out.returncode == 2 and "reviewers' layer" in out.stderr


def test_two_reviewers_deciding_one_unit_leave_one_decision(two, schema):
    """Each reviewer's session read the store before the other decided: the later step replaces the
    earlier decision whole (its gold claims too); a unit never ends with two decisions."""
    first, second = session(two, schema, "lead"), session(two, schema, "qa")
    first.next_conflict()
    second.next_conflict()
    first.pick("alice")
    second.pick("bob")
    (d,) = two.decisions("a1")
    assert d.reviewer == "qa" and d.sources == ("bob",)
    assert gold(two) == [(35, 60, "favor")] and two.state("a1", GOLD).n_claims == 1
    assert two.check() == []
