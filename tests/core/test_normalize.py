"""Text normalisation at import: the stored text every offset indexes into."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from annotations.text.display import strip_controls
from annotations.text.normalize import has_controls, normalize_text, sha256_text


def test_leading_bom_removed_inner_kept():
    assert normalize_text("\ufeffHello") == ("Hello", 0)
    assert normalize_text("\ufeff\ufeffHello") == ("Hello", 0)
    # a BOM inside the text is a zero-width no-break space: content, kept
    assert normalize_text("a\ufeffb") == ("a\ufeffb", 0)


def test_crlf_and_lone_cr_become_lf_and_are_not_counted():
    assert normalize_text("a\r\nb\rc\n\rd") == ("a\nb\nc\n\nd", 0)
    assert normalize_text("\r\n\r\n") == ("\n\n", 0)


def test_nfc_composes_decomposed_text():
    decomposed = "Cafe\u0301 and \u1100\u1161"  # e + combining acute; Hangul jamo
    text, removed = normalize_text(decomposed)
    assert text == "Caf\u00e9 and \uac00"
    assert removed == 0
    assert normalize_text("Caf\u00e9") == ("Caf\u00e9", 0)  # composed stays composed
    assert unicodedata.is_normalized("NFC", text)


def test_c0_c1_del_and_esc_removed_and_counted():
    raw = "a\x00b\x07c\x1b[31md\x7fe\x80f\x9bg\x9fh"
    text, removed = normalize_text(raw)
    assert text == "abc[31mdefgh"
    assert removed == 7


def test_terminal_escape_sequence_cannot_survive():
    text, removed = normalize_text("title\x1b]0;pwned\x07 \x1b[2J end")
    assert "\x1b" not in text and "\x07" not in text
    assert removed == 3
    assert not has_controls(text)


def test_bidi_controls_removed():
    text, removed = normalize_text("abc\u202edef\u2066g\u2069\u200e")
    assert text == "abcdefg"
    assert removed == 4


def test_tab_and_newline_kept():
    assert normalize_text("a\tb\nc") == ("a\tb\nc", 0)


def test_control_between_letter_and_combining_mark_still_gives_nfc():
    # NFC before control removal would leave "e" + U+0301 uncomposed
    text, removed = normalize_text("e\x00\u0301")
    assert text == "\u00e9"
    assert removed == 1


def test_emoji_cjk_untouched():
    s = "【Text by Observers Network】 😀👍🏽 中文 🇨🇳"
    assert normalize_text(s) == (s, 0)


def test_sha256_of_utf8():
    assert sha256_text("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert sha256_text("é") != sha256_text("e\u0301")


def test_strip_controls_for_ui_strings():
    assert strip_controls("a\nb\r\x1b[1mc\td") == "a b [1mc\td"


_texts = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\r", "\n", "\ufeff", "\u0301", "\x1b", "\x85", "\t", "e", "\u202e"]),
    ),
    max_size=60,
)


@given(_texts)
def test_normalised_text_is_a_fixed_point(raw):
    text, _ = normalize_text(raw)
    assert normalize_text(text) == (text, 0)
    assert "\r" not in text
    assert not has_controls(text)
    assert not text.startswith("\ufeff")
    assert unicodedata.is_normalized("NFC", text)


@given(_texts)
def test_removed_count_is_the_number_of_controls(raw):
    text, removed = normalize_text(raw)
    lf = raw.replace("\r\n", "\n").replace("\r", "\n")
    expected = sum(1 for ch in lf if has_controls(ch))
    assert removed == expected
