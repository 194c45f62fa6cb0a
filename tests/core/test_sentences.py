"""Sentence offsets: invariants, segmenter fallbacks, long lines, the cache, sentence_at."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import annotations.text.sentences as sentences
from annotations.text.normalize import sha256_text
from annotations.text.sentences import cached_sentence_spans, sentence_at, sentence_spans

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def check_invariants(text, spans):
    prev_end = 0
    covered = set()
    for start, end in spans:
        assert isinstance(start, int) and isinstance(end, int)
        assert prev_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece and piece == piece.strip()
        covered.update(range(start, end))
        prev_end = end
    for i, ch in enumerate(text):
        if not ch.isspace():
            assert i in covered, f"non-whitespace {ch!r} at {i} is in no sentence"


def texts_of(text):
    return [text[s:e] for s, e in sentence_spans(text)]


def test_english_sentences_with_abbreviations():
    text = "Mr. Smith went to Washington.  He said \"hi.\" Then he left... ok? 3.5% of U.S. voters agreed!"
    assert texts_of(text) == [
        "Mr. Smith went to Washington.",
        'He said "hi."',
        "Then he left... ok?",
        "3.5% of U.S. voters agreed!",
    ]


def test_newlines_are_always_boundaries():
    text = "A headline without a stop\nFirst sentence here. Second one\n\n  indented line  \n"
    assert texts_of(text) == ["A headline without a stop", "First sentence here.", "Second one", "indented line"]


def test_offsets_are_code_points_after_emoji_and_cjk():
    text = "😀 Emoji first. 【Text by Observers Network】 says so.\n中文句子。第二句！"
    spans = sentence_spans(text)
    check_invariants(text, spans)
    got = [text[s:e] for s, e in spans]
    assert got[0] == "😀 Emoji first."
    assert "中文句子。" in got and "第二句！" in got


def test_empty_and_whitespace_only():
    assert sentence_spans("") == []
    assert sentence_spans(" \n\t\n  ") == []


def test_seed_articles_split_sensibly():
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        spans = sentence_spans(text)
        check_invariants(text, spans)
        assert len(spans) > text.count("\n") // 2  # at least about one sentence a paragraph
        assert all(e - s < 2000 for s, e in spans)


def test_segmenter_failure_keeps_the_line_as_one_sentence(monkeypatch):
    import sentencex

    def broken(language, text):
        raise RuntimeError("segmenter bug")

    monkeypatch.setattr(sentencex, "segment", broken)
    text = "One. Two.\nThree."
    assert texts_of(text) == ["One. Two.", "Three."]


def test_segment_that_cannot_be_found_keeps_the_remainder(monkeypatch):
    # the segmenter returning altered text: the rest of the line stays one sentence, nothing is lost
    monkeypatch.setattr(sentences, "_segments", lambda piece: ["First one.", "ALTERED", "Third."])
    text = "First one. Second one. Third."
    assert texts_of(text) == ["First one.", "Second one. Third."]


def test_dropped_text_stays_in_the_previous_sentence(monkeypatch):
    monkeypatch.setattr(sentences, "_segments", lambda piece: ["Alpha.", "Gamma."])
    text = "Alpha. Beta. Gamma."
    assert texts_of(text) == ["Alpha. Beta.", "Gamma."]


def test_long_line_is_cut_at_sentence_ends(monkeypatch):
    monkeypatch.setattr(sentences, "MAX_CHUNK", 300)
    sentence = "The committee approved the budget for next year. "
    text = sentence * 40
    spans = sentence_spans(text)
    check_invariants(text, spans)
    assert [text[s:e] for s, e in spans] == [sentence.strip()] * 40


def test_long_line_without_spaces_is_hard_cut(monkeypatch):
    monkeypatch.setattr(sentences, "MAX_CHUNK", 100)
    text = "x" * 1050
    spans = sentence_spans(text)
    check_invariants(text, spans)
    assert all(e - s <= 100 for s, e in spans)


def test_cjk_long_line_cut_after_full_stops(monkeypatch):
    monkeypatch.setattr(sentences, "MAX_CHUNK", 50)
    text = "这是一个很长的中文句子没有空格。" * 20
    spans = sentence_spans(text)
    check_invariants(text, spans)
    assert all(text[e - 1] == "。" for s, e in spans)


_alphabet = st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cs",)),
    st.sampled_from(list(" \n\t.!?。！？\"'()…—😀👍🏽🇨🇳中文字\u0301\u0308\u200bMr.U.S.e") + ["\u3000", "\xa0"]),
)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_alphabet, max_size=200))
def test_invariants_on_arbitrary_text(text):
    check_invariants(text, sentence_spans(text))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["Dr. No said so. ", "Really?! ", "😀 ", "中文。", "\n", "e\u0301. ", "  ", "A.B. "]),
                max_size=80))
def test_invariants_on_sentence_like_text_with_small_chunks(parts):
    text = "".join(parts)
    old = sentences.MAX_CHUNK
    sentences.MAX_CHUNK = 40
    try:
        check_invariants(text, sentence_spans(text))
    finally:
        sentences.MAX_CHUNK = old


# -- cache ------------------------------------------------------------------------------------------

TEXT = "First sentence. Second sentence!\nThird line here."


def cache_file(root, text=TEXT):
    return root / f"{sha256_text(text)}.json"


def test_cache_written_then_used(tmp_path, monkeypatch):
    sha = sha256_text(TEXT)
    spans = cached_sentence_spans(tmp_path, sha, TEXT)
    assert spans == sentence_spans(TEXT)
    record = json.loads(cache_file(tmp_path).read_text())
    assert record["sha256"] == sha and record["length"] == len(TEXT)
    assert [tuple(s) for s in record["spans"]] == spans

    def must_not_run(text):
        raise AssertionError("recomputed although cached")

    monkeypatch.setattr(sentences, "sentence_spans", must_not_run)
    again = cached_sentence_spans(tmp_path, sha, TEXT)
    assert again == spans and all(isinstance(s, tuple) for s in again)


@pytest.mark.parametrize("content", [
    "{not json",
    "",
    "[]",
    '{"version": 1}',
    None,  # spans out of range
    "overlap",
    "whitespace",
    "strings",
])
def test_bad_cache_file_is_recomputed(tmp_path, content):
    sha = sha256_text(TEXT)
    good = sentence_spans(TEXT)
    path = cache_file(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"version": sentences.CACHE_VERSION, "sha256": sha, "length": len(TEXT)}
    if content is None:
        path.write_text(json.dumps({**record, "spans": [[0, 15], [16, 999]]}))
    elif content == "overlap":
        path.write_text(json.dumps({**record, "spans": [[0, 15], [10, 20]]}))
    elif content == "whitespace":
        path.write_text(json.dumps({**record, "spans": [[0, 16]]}))  # ends on a space
    elif content == "strings":
        path.write_text(json.dumps({**record, "spans": [["0", "15"]]}))
    else:
        path.write_text(content)
    assert cached_sentence_spans(tmp_path, sha, TEXT) == good
    assert [tuple(s) for s in json.loads(path.read_text())["spans"]] == good  # rewritten


def test_cache_for_other_text_length_is_recomputed(tmp_path):
    sha = sha256_text(TEXT)
    other = TEXT + " More."
    cached_sentence_spans(tmp_path, sha, other)  # a wrong pairing written under sha
    assert cached_sentence_spans(tmp_path, sha, TEXT) == sentence_spans(TEXT)


def test_unwritable_cache_still_returns_spans(tmp_path):
    (tmp_path / "cache").write_text("a file where the folder should be")
    assert cached_sentence_spans(tmp_path / "cache", sha256_text(TEXT), TEXT) == sentence_spans(TEXT)


# -- sentence_at ------------------------------------------------------------------------------------

def test_sentence_at():
    spans = [(0, 5), (7, 10), (15, 20)]
    assert sentence_at(spans, 0) == 0
    assert sentence_at(spans, 4) == 0
    assert sentence_at(spans, 5) == 1  # in the gap: the next sentence
    assert sentence_at(spans, 6) == 1
    assert sentence_at(spans, 9) == 1
    assert sentence_at(spans, 12) == 2
    assert sentence_at(spans, 19) == 2
    assert sentence_at(spans, 20) == 2  # past the end: the last one
    assert sentence_at(spans, 10_000) == 2
    assert sentence_at(spans, -3) == 0
    assert sentence_at([], 3) == -1


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=_alphabet, min_size=1, max_size=120), st.data())
def test_sentence_at_contains_offset(text, data):
    spans = sentence_spans(text)
    if not spans:
        return
    offset = data.draw(st.integers(0, len(text) - 1))
    i = sentence_at(spans, offset)
    start, end = spans[i]
    if not text[offset].isspace():
        assert start <= offset < end
    else:  # inside a sentence, or in the gap before the sentence returned, or after the last one
        inside = start <= offset < end
        gap = offset < start and (i == 0 or spans[i - 1][1] <= offset)
        assert inside or gap or (i == len(spans) - 1 and offset >= end)
