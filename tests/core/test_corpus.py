"""Reading articles from files: formats, ids, titles, bad input and its reasons (adding to a store: test_corpus_add.py)."""

import json
import os
from pathlib import Path

import pytest

from annotations.corpus import Refusal, read_paths
from annotations.text.normalize import sha256_text

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def write(path: Path, content) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def reasons(result):
    return [str(r) for r in result.refused]


def one_refusal(result):
    assert len(result.refused) == 1, reasons(result)
    return result.refused[0]


# -- formats --------------------------------------------------------------------------------------

def test_txt_title_id_source_meta(tmp_path):
    p = write(tmp_path / "story-1.txt", "\ufeff\r\n  \x1b[1mBig\tnews  \r\nBody line.\r\n")
    res = read_paths([p])
    assert res.refused == []
    [art] = res.articles
    assert art.id == "story-1"
    assert art.title == "[1mBig news"
    assert art.source == str(p)
    assert art.meta == {}
    assert art.text == "\n  [1mBig\tnews  \nBody line.\n"
    assert art.removed_controls == 1


def test_very_long_first_line_gives_a_bounded_title(tmp_path):
    p = write(tmp_path / "long.txt", "word " * 10_000)
    [art] = read_paths([p]).articles
    assert len(art.title) <= 200 and art.title.endswith("…")


def test_md_front_matter(tmp_path):
    body = "\n# Heading\r\n\r\nFirst paragraph with e\u0301.\n"
    p = write(tmp_path / "a.md", "---\ntitle: The Title\nsource: Reuters\nurl: https://example.org/x\n"
                                 "date: 2025-07-03\ntags: [ai, china]\n---\n" + body)
    res = read_paths([p])
    assert res.refused == []
    [art] = res.articles
    assert art.id == "a"
    assert art.title == "The Title"
    assert art.text == "\n# Heading\n\nFirst paragraph with \u00e9.\n"  # body, only normalised
    assert art.meta == {"source": "Reuters", "url": "https://example.org/x", "date": "2025-07-03",
                        "tags": ["ai", "china"]}
    assert art.source == str(p)
    json.dumps(art.meta)  # storable


def test_md_front_matter_id_and_datetime(tmp_path):
    p = write(tmp_path / "b.md", "---\nid: custom-7\ndate: 2025-07-03 10:20:30\n---\nText only.\n")
    [art] = read_paths([p]).articles
    assert art.id == "custom-7"
    assert art.meta == {"date": "2025-07-03T10:20:30"}
    assert art.title == "Text only."


def test_md_title_from_first_heading_else_first_line(tmp_path):
    a = write(tmp_path / "h.md", "Intro line\n\n## The *real* `title`\n\nBody.\n")
    b = write(tmp_path / "l.md", "\n\n  First line here  \nmore\n")
    c = write(tmp_path / "s.md", "Setext title\n===\n\nbody\n")
    arts = {x.id: x for x in read_paths([a, b, c]).articles}
    assert arts["h"].title == "The real title"
    assert arts["h"].text == "Intro line\n\n## The *real* `title`\n\nBody.\n"
    assert arts["l"].title == "First line here"
    assert arts["s"].title == "Setext title"


def test_md_with_bom_and_crlf_front_matter(tmp_path):
    p = write(tmp_path / "w.md", "\ufeff---\r\ntitle: Win\r\n---\r\nBody\r\n")
    [art] = read_paths([p]).articles
    assert art.title == "Win" and art.text == "Body\n"


def test_md_broken_front_matter_yaml_error_names_line(tmp_path):
    p = write(tmp_path / "bad.md", "---\ntitle: ok\nsource: [unclosed\nurl: x\n---\nBody\n")
    ok = write(tmp_path / "ok.md", "Fine\n")
    res = read_paths([p, ok])
    r = one_refusal(res)
    assert r.path == str(p) and r.line is not None and 3 <= r.line <= 5
    assert r.reason.startswith("broken front matter")
    assert [a.id for a in res.articles] == ["ok"]


@pytest.mark.parametrize("front, expect", [
    ("- a\n- b\n", "not a mapping"),
    ("just a string\n", "not a mapping"),
    ("date: 2025-13-45\n", "broken front matter"),
    ("title: a: b\n", "broken front matter"),
])
def test_md_bad_front_matter_kinds(tmp_path, front, expect):
    p = write(tmp_path / "x.md", f"---\n{front}---\nBody\n")
    assert expect in one_refusal(read_paths([p])).reason


def test_md_unclosed_front_matter_and_empty_body(tmp_path):
    a = write(tmp_path / "open.md", "---\ntitle: x\nBody\n")
    b = write(tmp_path / "nobody.md", "---\ntitle: x\n---\n\n  \n")
    res = read_paths([a, b])
    assert reasons(res) == [f"{a}:1: front matter opened with --- on line 1 is never closed",
                            f"{b}: empty text after the front matter"]


def test_jsonl_ids_titles_meta(tmp_path):
    lines = [
        {"id": "x1", "title": "T1", "text": "Alpha text.", "meta": {"lang": "en"}},
        {"text": "Beta text.\nSecond line", "url": "http://b"},
        {"id": 42, "text": "Gamma."},
    ]
    p = write(tmp_path / "feed.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n\n")
    res = read_paths([p])
    assert res.refused == []
    a, b, c = res.articles
    assert (a.id, a.title, a.meta, a.text) == ("x1", "T1", {"lang": "en"}, "Alpha text.")
    assert b.id == "feed-" + sha256_text("Beta text.\nSecond line")[:12]
    assert b.title == "Beta text." and b.meta == {"url": "http://b"}
    assert c.id == "42"
    assert {x.source for x in res.articles} == {str(p)}


def test_jsonl_bad_lines_refused_rest_added(tmp_path):
    raw = b"\n".join([
        b'{"id": "good1", "text": "Fine."}',
        b'{"id": "broken", "text": ',
        b'["not", "an", "object"]',
        b'{"id": "nt"}',
        b'{"id": "num", "text": 5}',
        b'{"id": "m", "text": "x", "meta": [1]}',
        b'{"id": "t", "text": "x", "title": 3}',
        b'{"id": "e", "text": " \\u0007 "}',
        b'{"id": "u", "text": "caf\xe9"}',
        b'{"id": "s", "text": "bad \\ud800 surrogate"}',
        b'{"id": "good1", "text": "Again."}',
        b'{"id": "good2", "text": "Fine too."}',
    ])
    p = write(tmp_path / "f.jsonl", raw)
    res = read_paths([p])
    assert [a.id for a in res.articles] == ["good1", "good2"]
    got = {r.line: r.reason for r in res.refused}
    assert all(r.path == str(p) for r in res.refused)
    assert sorted(got) == list(range(2, 12))
    assert got[2].startswith("bad JSON")
    assert got[3] == "not a JSON object (a list)"
    assert got[4] == '"text" is missing'
    assert got[5] == '"text" is not a string (a int)'
    assert got[6] == '"meta" is not an object (a list)'
    assert got[7] == '"title" is not a string (a int)'
    assert got[8].startswith('"text" is empty')
    offset = raw.index(b"\xe9")
    assert got[9] == f"not UTF-8 (byte 0xe9 at byte offset {offset})"
    assert "surrogate" in got[10]
    assert got[11] == f"duplicate id 'good1' (first from {p}:1)"
    assert str(res.refused[0]) == f"{p}:2: {got[2]}"


def test_jsonl_same_text_twice_without_id_is_a_duplicate(tmp_path):
    p = write(tmp_path / "d.jsonl", '{"text": "Same."}\n{"text": "Same."}\n')
    res = read_paths([p])
    assert len(res.articles) == 1
    assert one_refusal(res).line == 2 and "duplicate id" in res.refused[0].reason


# -- bad files ------------------------------------------------------------------------------------

def test_empty_whitespace_binary_utf16_not_utf8(tmp_path):
    empty = write(tmp_path / "empty.txt", b"")
    blank = write(tmp_path / "blank.txt", b" \n\t\x1b\n")
    binary = write(tmp_path / "bin.txt", b"text\x00\x01more")
    utf16 = write(tmp_path / "u16.txt", "hello".encode("utf-16"))
    latin = write(tmp_path / "latin.txt", "Line one\nna\u00efve".encode("latin-1"))
    good = write(tmp_path / "good.txt", "Good.")
    res = read_paths([empty, blank, binary, utf16, latin, good])
    assert [a.id for a in res.articles] == ["good"]
    assert reasons(res) == [
        f"{empty}: empty file",
        f"{blank}: empty file (nothing but whitespace or control characters)",
        f"{binary}: binary file (NUL byte at byte offset 4)",
        f"{utf16}: UTF-16/UTF-32 text, not UTF-8 (save it as UTF-8)",
        f"{latin}: not UTF-8 (byte 0xef at byte offset 11)",
    ]


def test_missing_path_and_unsupported_explicit_file(tmp_path):
    other = write(tmp_path / "notes.pdf", b"%PDF")
    res = read_paths([tmp_path / "nope.txt", other])
    assert reasons(res) == [
        f"{tmp_path / 'nope.txt'}: no such file or folder (or a broken symlink)",
        f"{other}: unsupported file type '.pdf'; expected one of .txt, .md, .markdown, .jsonl",
    ]


def test_unreadable_file(tmp_path, monkeypatch):
    p = write(tmp_path / "secret.txt", "x")
    real = Path.read_bytes

    def deny(self):
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    write(tmp_path / "ok.txt", "fine")
    res = read_paths([tmp_path])
    assert reasons(res) == [f"{p}: unreadable file: permission denied"]
    assert [a.id for a in res.articles] == ["ok"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_real_permissions(tmp_path):
    p = write(tmp_path / "secret.txt", "x")
    p.chmod(0)
    assert "permission denied" in one_refusal(read_paths([p])).reason


def test_unreadable_folder(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    write(locked / "a.txt", "a")
    write(tmp_path / "b.txt", "b")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    res = read_paths([tmp_path])
    assert reasons(res) == [f"{locked}: unreadable folder: permission denied"]
    assert [a.id for a in res.articles] == ["b"]


def test_symlink_loop_terminates_and_is_reported_once(tmp_path):
    root = tmp_path / "corpus"
    write(root / "sub" / "a.txt", "A.")
    os.symlink(root, root / "sub" / "back")   # back to an enclosing folder
    os.symlink(root / "sub", root / "sub" / "self")  # to itself
    os.symlink("x.txt", root / "x.txt")  # a file link to itself
    res = read_paths([root])
    assert [a.id for a in res.articles] == ["a"]
    assert sorted(reasons(res)) == sorted([
        f"{root / 'sub' / 'back'}: symlink loop: points back to {os.path.realpath(root)}; not followed",
        f"{root / 'sub' / 'self'}: symlink loop: points back to {os.path.realpath(root / 'sub')}; not followed",
        f"{root / 'x.txt'}: symlink loop (the link cannot be resolved)",
    ])


def test_broken_symlink(tmp_path):
    os.symlink(tmp_path / "gone.txt", tmp_path / "link.txt")
    r = one_refusal(read_paths([tmp_path]))
    assert r.path == str(tmp_path / "link.txt") and "broken symlink" in r.reason


def test_same_file_twice_is_read_once_silently(tmp_path):
    a = write(tmp_path / "dir" / "a.txt", "A.")
    os.symlink(a, tmp_path / "dir" / "alias.txt")
    os.symlink(tmp_path / "dir", tmp_path / "dirlink")
    res = read_paths([a, tmp_path, str(a), tmp_path / "dir"])
    assert res.refused == []
    assert [x.id for x in res.articles] == ["a"]


def test_duplicate_ids_across_files_name_the_first(tmp_path):
    first = write(tmp_path / "one" / "same.txt", "first")
    second = write(tmp_path / "two" / "same.md", "second")
    res = read_paths([tmp_path])
    assert [a.text for a in res.articles] == ["first"]
    assert reasons(res) == [f"{second}: duplicate id 'same' (first from {first})"]


def test_walk_is_sorted_skips_hidden_and_other_suffixes(tmp_path):
    write(tmp_path / "b" / "z.txt", "z")
    write(tmp_path / "b" / "m.MD", "m")
    write(tmp_path / "c.jsonl", '{"id": "c", "text": "c"}\n')
    write(tmp_path / "a.txt", "a0")
    write(tmp_path / ".hidden.txt", "h")
    write(tmp_path / ".git" / "x.txt", "g")
    write(tmp_path / "b" / "notes.pdf", b"%PDF")
    write(tmp_path / "README", "r")
    res = read_paths([tmp_path])
    assert res.refused == []
    assert [a.source for a in res.articles] == [
        str(tmp_path / "a.txt"), str(tmp_path / "c.jsonl"), str(tmp_path / "b" / "m.MD"),
        str(tmp_path / "b" / "z.txt")]


def test_source_is_the_path_as_given(tmp_path, monkeypatch):
    write(tmp_path / "d" / "x.txt", "x")
    monkeypatch.chdir(tmp_path)
    [art] = read_paths(["d"]).articles
    assert art.source == os.path.join("d", "x.txt")


def test_a_1mb_article_reads_fine(tmp_path):
    seed = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    big = write(tmp_path / "big.txt", seed * (1_000_000 // len(seed) + 1))
    [art] = read_paths([big]).articles
    assert len(art.text) > 1_000_000


def test_refusal_str():
    assert str(Refusal("a.jsonl", "bad JSON", 3)) == "a.jsonl:3: bad JSON"
    assert str(Refusal("a.txt", "empty file")) == "a.txt: empty file"
    assert str(Refusal("evil\x1b[2J.txt", "empty file")) == "evil\\x1b[2J.txt: empty file"


# -- adding to the store ---------------------------------------------------------------------------

def test_fifo_is_refused_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    write(tmp_path / "ok.txt", "ok")
    res = read_paths([tmp_path, tmp_path / "pipe.txt"])
    assert reasons(res) == [f"{tmp_path / 'pipe.txt'}: not a regular file"]
    assert [a.id for a in res.articles] == ["ok"]


def test_binary_jsonl_is_one_refusal(tmp_path):
    p = write(tmp_path / "x.jsonl", b'{"text": "a"}\n\x00\x00\x00\n{"text": "b"}\n')
    assert str(one_refusal(read_paths([p]))) == f"{p}: binary file (NUL byte at byte offset 14)"


def test_a_section_label_above_the_headline_is_not_the_title():
    """Issue 11: seed 004's title was "Us News", a section label above the real headline."""
    from annotations.corpus.common import first_line

    text = (Path(__file__).resolve().parents[2] / "seeds" / "004_696fd3ce7f19b686.txt").read_text(encoding="utf-8")
    assert first_line(text).startswith("“Beijing’s Rise: The Surprising Chip Gap")
    assert first_line("Brexit\n\nThe UK left the EU on the last day of January after years of talks.") == "Brexit"
    assert first_line("Russia: a report\n\nSomething longer here that is a headline") == "Russia: a report"
    assert first_line("World\n\nMarkets rally as rates fall") == "Markets rally as rates fall"
