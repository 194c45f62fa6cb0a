"""Issue 13: the alignment engine, measured on hand-paired sentences of seed articles 000 and 001."""

from __future__ import annotations

import io
from pathlib import Path

from annotations.compare.align import Aligner, word_differences
from annotations.compare.pairing import quality
from annotations.compare.similar import most_similar
from annotations.corpus import add_paths

ROOT = Path(__file__).resolve().parents[2]


def test_hand_paired_sentences_are_found_and_unmatched_ones_stay_unmatched(store):
    add_paths(store, [ROOT / "seeds"], out=io.StringIO(), err=io.StringIO())
    q = quality(store, ROOT / "tests" / "data" / "pairs_000_001.json")
    # the goal: every "same" pair the top candidate both ways (and shown as each other's counterpart);
    # at most 1 in 10 sentences without a counterpart given one (measured: 1 of 18)
    assert q.same == 15 and q.top_a == q.top_b == q.given == 15
    assert q.false_matches <= q.unmatched // 10


def test_aliases_of_one_entity_count_as_one_word():
    from annotations.compare.aliases import canonical

    assert canonical("Washington restricted U.S. chips; the United States and America agree") == \
        "USA restricted USA chips; USA and USA agree"
    assert canonical("us, USB, Latin America, The Washington Post, AIM") == "us, USB, Latin America, The Washington Post, AIM"
    a = ["Washington has restricted Chinese AI companies from obtaining U.S. chips."]
    b = ["The weather in Seoul was fine.", "The United States restricts Chinese artificial intelligence firms' access to American chips."]
    assert Aligner(a, b).counterpart(0, 0).index == 1


def test_a_sentence_near_everything_does_not_take_every_counterpart(store):
    """CSLS on the seed pair: 001's sentence 23 ("U.S. investors ... China's AI industry, and Chinese students
    ...") has the best plain score for 000's sentence 13 ("China is investing heavily to build an AI industry
    that is less dependent on the U.S."), but it is near every sentence of that part of the story (and is the
    counterpart of 000's 18); the margin ranks 001's 26 ("... an AI supply chain independent of the United
    States") first."""
    from annotations.compare.pairing import sentences_of

    add_paths(store, [ROOT / "seeds"], out=io.StringIO(), err=io.StringIO())
    al = Aligner(sentences_of(store, "000_ecb1173961431c24"), sentences_of(store, "001_7a089fa4fc1eff1a"))
    row = al.scores(0, 13)
    plain = max(range(al.sizes[1]), key=row.__getitem__)
    assert plain == 23 and al.counterpart(0, 13).index == 26 and al.counterpart(1, 23).index == 18
    ranked = {c.index: c for c in al.candidates(0, 13, 8)}
    assert ranked[26].margin > ranked[23].margin and ranked[26].score < ranked[23].score


def test_word_differences_mark_what_one_side_adds():
    a = "HSBC and Standard Chartered have started internal testing."
    b = "HSBC and Standard Chartered in the UK have started internal testing."
    only_a, only_b = word_differences(a, b)
    assert only_a == [] and [b[s:e] for s, e in only_b] == ["in", "the", "UK"]


def test_the_most_similar_article_to_000_is_001(store):
    add_paths(store, [ROOT / "seeds"], out=io.StringIO(), err=io.StringIO())
    ranked = most_similar(store, "000_ecb1173961431c24")
    assert ranked[0].article.id == "001_7a089fa4fc1eff1a" and len(ranked) == 4
    assert most_similar(store, "no-such-article") == []


def test_the_term_index_is_built_once_and_rebuilt_when_lost(store):
    from annotations.compare.similar import index_texts, load_index

    add_paths(store, [ROOT / "seeds"], out=io.StringIO(), err=io.StringIO())
    assert index_texts(store) == 5
    files = sorted((store.root / "cache" / "terms").glob("*.json"))
    assert files
    for f in files:
        f.write_text("{not json")  # a corrupt cache is a missing one
    ranked = most_similar(store, "000_ecb1173961431c24")
    assert ranked[0].article.id == "001_7a089fa4fc1eff1a"
    shas = {a.sha256 for a in store.articles()}
    assert set(load_index(store, shas)) == shas


def test_where_else_a_claim_appears_finds_the_retelling_and_nothing_weak(store):
    from annotations.compare.similar import where_else

    add_paths(store, [ROOT / "seeds"], out=io.StringIO(), err=io.StringIO())
    quote = "According to insiders, HSBC and Standard Chartered have started internal testing of the Deepseek model."
    (found,) = where_else(store, quote, exclude="000_ecb1173961431c24")
    text = store.text(found.article.sha256)
    assert found.article.id == "001_7a089fa4fc1eff1a" and "HSBC and Standard Chartered in the UK" in text[found.start:found.end]
    assert where_else(store, "Penguins waddle across the Antarctic ice every winter.") == []


def test_sentence_features_are_cached_per_text_hash_and_counted_again_when_wrong(store, monkeypatch):
    import json

    from annotations.compare import features as cache
    from annotations.compare.session import CompareSession

    add_paths(store, [ROOT / "seeds"], out=io.StringIO(), err=io.StringIO())
    a = store.article("000_ecb1173961431c24")
    CompareSession(store, "ann", a.id, "001_7a089fa4fc1eff1a")
    path = store.root / "cache" / "features" / f"{a.sha256}.json"
    kept = json.loads(path.read_text())
    assert kept["sha256"] == a.sha256 and kept["rules"] == cache.RULES  # both sides and the background kept
    assert len(list(path.parent.glob("*.json"))) == 5
    text = store.text(a.sha256)
    spans = store.sentences(a.sha256, text)
    counted = cache.text_features(store, a.sha256, text, spans)

    calls = []
    real = cache.features
    monkeypatch.setattr(cache, "features", lambda s: calls.append(s) or real(s))
    assert cache.text_features(store, a.sha256, text, spans) == counted and calls == []  # read, not counted

    for bad in ("{not json", json.dumps({**kept, "rules": "old"}), json.dumps({**kept, "grams": [{"x": "1"}]}),
                json.dumps({**kept, "spans": kept["spans"][1:]})):
        path.write_text(bad)
        calls.clear()
        assert cache.text_features(store, a.sha256, text, spans) == counted and len(calls) == len(spans)
        assert json.loads(path.read_text())["rules"] == cache.RULES  # written again
