"""``claimtag agree`` on a store whose figures are worked out by hand (issue 9, agreement part)."""

from __future__ import annotations

import json

import pytest

from annotations.cli import main
from annotations.metrics.report import agreement
from annotations.metrics.spans import match_claims
from annotations.models import Claim, NewArticle
from annotations.store import Store

TEXT = "".join(chr(ord("a") + i % 26) for i in range(80))


def put(store: Store, aid: str, who: str, start: int, end: int, ctype: str = "fact", stance: str = "favor") -> Claim:
    art = store.article(aid)
    return store.save_claim(Claim(Store.new_claim_id(), aid, art.sha256, start, end, TEXT[start:end], ctype, stance,
                                  "Chinese AI", who))


def hand_store(tmp_path) -> Store:
    store = Store(tmp_path / "store")
    store.add_articles([NewArticle("a1", "A1", "a1.txt", TEXT, {}), NewArticle("a2", "A2", "a2.txt", TEXT, {})])
    put(store, "a1", "alice", 0, 10)
    put(store, "a1", "alice", 20, 30, "opinion", "against")
    put(store, "a1", "bob", 0, 10)
    put(store, "a1", "bob", 22, 30, "opinion", "favor")  # the same claim, other boundary and stance
    put(store, "a1", "bob", 40, 50)  # only bob
    put(store, "a2", "bob", 0, 5)  # alice never opened a2: not data
    store.set_state("a1", "carol", status="todo")  # carol never opened anything
    store.set_state("a1", "alice", labels={"stance": ["favor"]})
    store.set_state("a1", "bob", labels={"stance": ["favor"]})
    return store


def test_figures_worked_out_by_hand(tmp_path):
    report = agreement(hand_store(tmp_path))
    assert report.annotators == ["alice", "bob"] and report.articles_compared == 1
    (pair,) = report.spans
    assert pair.exact.f1 == 2 * 1 / (2 + 3) and pair.overlap.f1 == 2 * 2 / (2 + 3)
    assert pair.by_type["fact"].f1 == 2 * 1 / (1 + 2) and pair.by_type["opinion"].f1 == 1.0
    stance = report.claim_labels["stance"]["alice/bob"]
    assert stance.n_units == 2 and stance.value == 0.0  # (favor, favor), (against, favor)
    assert report.claim_labels["type"]["alice/bob"].value == 1.0
    target = report.claim_labels["target"]["alice/bob"]
    assert target.value == 1.0 and "one category only" in target.reason  # 0/0: said, not NaN
    assert report.article_labels["stance"]["alice/bob"].value == 1.0
    assert report.unitized_articles == 1 and report.unitized is not None  # a1: the one both opened
    assert 0 < report.unitized.overall.value < 1 and set(report.unitized.by_category) == {"fact", "opinion"}


def test_overlapping_variants_are_matched_one_to_one():
    def c(cid: str, s: int, e: int) -> Claim:
        return Claim(cid, "a", "h", s, e, TEXT[s:e], "fact", "favor", "t", "x")
    a = [c("a1", 0, 10), c("a2", 12, 20)]
    b = [c("b1", 2, 18), c("b2", 0, 9)]
    assert [(x.id, y.id) for x, y in match_claims(a, b)] == [("a1", "b2"), ("a2", "b1")]


def test_the_command_prints_tables_and_json(tmp_path, capsys):
    store = hand_store(tmp_path)
    assert main(["agree", "--store", str(store.root)]) == 0
    out = capsys.readouterr().out
    flat = " ".join(out.split())
    assert "0.400" in out and "0.800" in out and "not data" in flat and "fewer than 30" in flat
    assert main(["agree", "--store", str(store.root), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["spans"][0]["overlap"] == {"f1": 0.8, "matched": 2, "claims": [2, 3]}
    assert data["claim_labels"]["target"]["alice/bob"]["value"] == 1.0
    assert data["claim_labels"]["stance"]["alice/bob"]["warnings"]
    assert data["alpha_u"]["articles"] == 1 and data["alpha_u"]["overall"]["value"] is not None


def test_one_annotator_is_a_sentence_not_a_crash(tmp_path, capsys):
    store = Store(tmp_path / "store")
    store.add_articles([NewArticle("a1", "A1", "a1.txt", TEXT, {})])
    put(store, "a1", "alice", 0, 10)
    assert main(["agree", "--store", str(store.root)]) == 0
    assert "no article was opened by two or more annotators" in capsys.readouterr().out


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from annotations.metrics.spans import candidates, matches_per_type  # noqa: E402

_spans = st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12), st.sampled_from(["fact", "opinion"])), max_size=8)


def _claims(who: str, spans: list[tuple[int, int, str]]) -> list[Claim]:
    out = [Claim(f"{who}{k}", "a", "sha", s, s + n, "", t, "favor", "x", who) for k, (s, n, t) in enumerate(spans)]
    return sorted(out, key=lambda c: (c.start, c.end, c.created, c.id))


@settings(max_examples=300, deadline=None)
@given(_spans, _spans)
def test_per_type_matching_from_one_candidate_list_is_matching_each_type_alone(xs, ys):
    a, b = _claims("a", xs), _claims("b", ys)
    got = matches_per_type(a, b, candidates(a, b))
    for t in ("fact", "opinion"):
        alone = match_claims([c for c in a if c.type == t], [c for c in b if c.type == t])
        assert got.get(t, 0) == len(alone)


_units = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 9), st.sampled_from(["c", "k"])), max_size=5)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 45), _units, _units, _units), min_size=1, max_size=4))
def test_alpha_u_of_pieces_joined_is_alpha_u_of_the_whole_continuum(articles):
    """The per-article pieces (made in several processes) give the alpha_U of the articles laid end to end:
    gaps at the ends of a piece join the next piece's."""
    from annotations.metrics.unitized import joined_alpha, piece, unitized_alpha

    whole: dict[str, list[tuple[int, int, str]]] = {"i": [], "j": [], "k": []}
    pieces, offset = [], 0
    for length, *coded in articles:
        local = {w: [(s, min(s + n, length), c) for s, n, c in units if s < length] for w, units in zip(whole, coded)}
        pieces.append(piece(local, 0, length))
        for w, units in local.items():
            whole[w] += [(offset + s, offset + e, c) for s, e, c in units]
        offset += length
    joined, direct = joined_alpha(pieces, sorted(whole)), unitized_alpha(whole, 0, offset)
    assert joined.overall.value == pytest.approx(direct.overall.value, abs=1e-9) if direct.overall.value is not None \
        else joined.overall.value is None
    assert joined.overall.n_units == direct.overall.n_units
    assert {c: (a.value, a.n_units) for c, a in joined.by_category.items()} == pytest.approx(
        {c: (a.value, a.n_units) for c, a in direct.by_category.items()})


def test_the_pass_in_two_processes_gives_the_figures_of_one(tmp_path):
    """Buckets dealt out to forked workers, tallies merged: the same report, figure for figure, on a store
    where the annotators disagree on spans, types, stances and labels."""
    import random

    rng = random.Random(3)
    store = Store(tmp_path / "store")
    store.add_articles([NewArticle(f"a{i}", f"A{i}", f"a{i}.txt", TEXT, {}) for i in range(60)])
    for i in range(60):
        for who in ("alice", "bob", "carol"):
            if rng.random() < 0.15:
                continue  # never opened
            for _ in range(rng.randrange(0, 4)):
                s = rng.randrange(0, 70)
                put(store, f"a{i}", who, s, s + rng.randrange(1, 10), rng.choice(["fact", "opinion"]),
                    rng.choice(["favor", "against"]))
            store.set_state(f"a{i}", who, labels={"stance": [rng.choice(["favor", "against"])]})
    one, two = agreement(store, workers=1).to_json(), agreement(store, workers=2).to_json()
    assert one == two and one["articles_compared"] > 40 and one["alpha_u"]["overall"]["value"] is not None
