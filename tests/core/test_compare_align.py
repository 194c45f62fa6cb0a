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
    # measured: 14/15 and 13/15 top candidates (the two misses are paraphrases with few shared words,
    # see the issue 13 note); 1 of 18 sentences without a counterpart given one
    assert q.top_a >= 14 and q.top_b >= 13 and q.same == 15
    assert q.false_matches <= q.unmatched // 10


def test_alignment_ignores_order_and_scores_shared_specifics():
    a = ["Sensor Tower counted 910 million downloads of ChatGPT.", "The weather was fine."]
    b = ["Nobody expected rain.", "ChatGPT was downloaded 910 million times, Sensor Tower says."]
    al = Aligner(a, b)
    assert al.counterpart(0, 0).index == 1 and al.counterpart(1, 1).index == 0
    assert al.counterpart(0, 1) is None  # a weak best match is not a counterpart


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
