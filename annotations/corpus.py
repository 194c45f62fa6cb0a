"""Reading article files and folders into ``NewArticle``s, refusing bad input with reasons.

Formats:
- ``.txt``: the whole file is the text; title = its first non-empty line; id = the file stem.
- ``.md`` / ``.markdown``: optional YAML front matter (found with markdown-it-py's front-matter plugin,
  read with ``yaml.safe_load``). The stored text is the body after the front matter. Title from the
  front matter, else the first heading, else the first non-empty line; id from the front matter, else
  the file stem; every other front-matter key goes to ``meta`` (dates as ISO strings).
- ``.jsonl``: one article a line, ``{"text": ..., "id"?, "title"?, "meta"?}``; other keys go to ``meta``.
  Without an id: ``<file stem>-<first 12 hex of the text's SHA-256>``. Blank lines are skipped.

Folders are walked recursively in sorted order, following symlinks but never into a folder twice
(a symlink back to an enclosing folder is reported once as a loop). Hidden files and folders are
skipped, and so are files with other suffixes inside folders (named explicitly, they are refused).
Each refused item is one ``Refusal``; everything else is still read. The article ``source`` is the path
as given or walked.
"""

from __future__ import annotations

import datetime as _dt
import errno
import json
import math
import os
import re
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .normalize import has_controls, normalize_text, sha256_text, strip_controls
from .store import NewArticle, Store

SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md", ".jsonl": "jsonl"}
TITLE_MAX = 200
_SURROGATE = re.compile("[\ud800-\udfff]")  # lone surrogates (from JSON "\\ud800"): not storable as UTF-8


@dataclass(frozen=True)
class Refusal:
    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = _printable(self.path)
        return f"{where}:{self.line}: {self.reason}" if self.line is not None else f"{where}: {self.reason}"


@dataclass
class ReadResult:
    articles: list[NewArticle] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def _printable(s: str) -> str:
    """A path safe to print and store: undecodable bytes and control characters as escapes."""
    s = s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in s)


class _Bad(Exception):
    """One refused item: raised inside a reader, turned into a Refusal."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.reason, self.line = reason, line


# -- walking ---------------------------------------------------------------------------------------

def _os_reason(exc: OSError, what: str = "file") -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop (the link cannot be resolved)"
    if exc.errno == errno.ENOENT:
        return f"no such {what} (or a broken symlink)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"unreadable {what}: permission denied"
    return f"unreadable {what}: {exc.strerror or exc}"


class _Reader:
    def __init__(self) -> None:
        self.result = ReadResult()
        self.seen_files: set[str] = set()
        self.seen_dirs: set[str] = set()
        self.ids: dict[str, str] = {}  # id -> where it came from

    def refuse(self, path: str, reason: str, line: int | None = None) -> None:
        self.result.refused.append(Refusal(_printable(path), reason, line))

    def path(self, given: str) -> None:
        try:
            st = os.stat(given)
        except OSError as exc:
            self.refuse(given, _os_reason(exc, "file or folder"))
            return
        if stat.S_ISDIR(st.st_mode):
            self.walk(given)
        elif Path(given).suffix.lower() not in SUFFIXES:
            self.refuse(given, f"unsupported file type {Path(given).suffix or '(no suffix)'!r}; "
                               f"expected one of {', '.join(SUFFIXES)}")
        else:
            self.file(given, st)

    def walk(self, root: str) -> None:
        real_root = os.path.realpath(root)
        if real_root in self.seen_dirs:
            return
        self.seen_dirs.add(real_root)

        def onerror(exc: OSError) -> None:
            self.refuse(exc.filename or root, _os_reason(exc, "folder"))

        for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=True):
            here = os.path.realpath(dirpath)
            keep = []
            for name in sorted(dirnames):
                if name.startswith("."):
                    continue
                full = os.path.join(dirpath, name)
                real = os.path.realpath(full)
                if os.path.commonpath([real, here]) == real:
                    self.refuse(full, f"symlink loop: points back to {_printable(real)}; not followed")
                elif real not in self.seen_dirs:
                    self.seen_dirs.add(real)
                    keep.append(name)
            dirnames[:] = keep
            for name in sorted(filenames):
                full = os.path.join(dirpath, name)
                supported = Path(name).suffix.lower() in SUFFIXES
                if name.startswith("."):
                    continue
                try:
                    st = os.stat(full)
                except OSError as exc:  # a broken link, or a link loop (which may have been meant as a folder)
                    if supported or exc.errno == errno.ELOOP:
                        self.refuse(full, _os_reason(exc))
                    continue
                if supported:
                    self.file(full, st)

    def file(self, path: str, st: os.stat_result) -> None:
        real = os.path.realpath(path)
        if real in self.seen_files:
            return
        self.seen_files.add(real)
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
            self.refuse(path, "not a regular file")
            return
        kind = SUFFIXES[Path(path).suffix.lower()]
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            self.refuse(path, _os_reason(exc))
            return
        if kind == "jsonl":
            self.jsonl(path, data)
            return
        try:
            article = _read_md(path, data) if kind == "md" else _read_txt(path, data)
        except _Bad as bad:
            self.refuse(path, bad.reason, bad.line)
            return
        self.accept(article, _printable(path), path, None)

    def jsonl(self, path: str, data: bytes) -> None:
        try:
            _check_binary(data)
        except _Bad as bad:
            self.refuse(path, bad.reason)
            return
        if not data.strip():
            self.refuse(path, "empty file")
            return
        stem = _printable(Path(path).stem)
        offset = 0
        for lineno, raw in enumerate(data.split(b"\n"), start=1):
            start, offset = offset, offset + len(raw) + 1
            try:
                article = _jsonl_line(path, stem, raw, start, lineno)
            except _Bad as bad:
                self.refuse(path, bad.reason, lineno)
                continue
            if article is not None:
                self.accept(article, f"{_printable(path)}:{lineno}", path, lineno)

    def accept(self, article: NewArticle, where: str, path: str, line: int | None) -> None:
        first = self.ids.get(article.id)
        if first is not None:
            self.refuse(path, f"duplicate id {article.id!r} (first from {first})", line)
            return
        self.ids[article.id] = where
        self.result.articles.append(article)


# -- decoding ---------------------------------------------------------------------------------------

def _check_binary(data: bytes) -> None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Bad("UTF-16/UTF-32 text, not UTF-8 (save it as UTF-8)")
    nul = data.find(b"\x00")
    if nul != -1:
        raise _Bad(f"binary file (NUL byte at byte offset {nul})")


def _decode(data: bytes, base: int = 0) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.start + 1].hex()
        raise _Bad(f"not UTF-8 (byte 0x{bad} at byte offset {base + exc.start})") from None


def _text_of(raw: str, empty: str = "empty file") -> tuple[str, int]:
    text, removed = normalize_text(raw)
    if not text.strip():
        raise _Bad(f"{empty} (nothing but whitespace or control characters)" if raw.strip() else empty)
    bad = _SURROGATE.search(text)
    if bad:
        raise _Bad(f"text is not valid Unicode (lone surrogate U+{ord(bad.group()):04X} at offset {bad.start()})")
    return text, removed


def _clean_str(value: str) -> str:
    return _SURROGATE.sub("\ufffd", normalize_text(value)[0])


def _clean_title(title: str) -> str:
    title = " ".join(_clean_str(strip_controls(title)).split())
    return title if len(title) <= TITLE_MAX else title[:TITLE_MAX - 1].rstrip() + "\u2026"


def _first_line(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return _clean_title(line)
    return ""


def _clean_id(value: Any, what: str = "id") -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _Bad(f"{what} must be a string, not {type(value).__name__}")
    ident = str(value).strip()
    if not ident:
        raise _Bad(f"{what} is empty")
    if has_controls(ident) or "\n" in ident or "\t" in ident:
        raise _Bad(f"{what} {_printable(ident)!r} contains control characters")
    return _printable(ident) if _SURROGATE.search(ident) else ident


def _read_txt(path: str, data: bytes) -> NewArticle:
    if not data:
        raise _Bad("empty file")
    _check_binary(data)
    text, removed = _text_of(_decode(data))
    ident = _clean_id(Path(path).stem, "file name")
    return NewArticle(ident, _first_line(text) or ident, _printable(path), text, {}, removed)


# -- markdown ------------------------------------------------------------------------------------------

_md_parser = None


def _markdown():
    global _md_parser
    if _md_parser is None:
        from markdown_it import MarkdownIt
        from mdit_py_plugins.front_matter import front_matter_plugin

        _md_parser = MarkdownIt("commonmark").use(front_matter_plugin)
    return _md_parser


def _jsonable(value: Any) -> Any:
    """YAML values as JSON: dates and times as ISO strings, control characters removed from strings."""
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, str):
        return _clean_str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # NaN / infinity are not JSON
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, dict):
        return {_clean_str(str(k)): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(v) for v in value), key=repr)
    if isinstance(value, bytes):
        return value.hex()
    return _clean_str(str(value))


def _front_matter(content: str) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _Bad(f"broken front matter: {problem}", mark.line + 2 if mark else None) from None
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. a date that does not exist
        raise _Bad(f"broken front matter: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _Bad(f"front matter is not a mapping (it is a {type(data).__name__})")
    return data


def _read_md(path: str, data: bytes) -> NewArticle:
    if not data:
        raise _Bad("empty file")
    _check_binary(data)
    source = _decode(data).replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    tokens = _markdown().parse(source)
    fields: dict[str, Any] = {}
    body = source
    if tokens and tokens[0].type == "front_matter":
        fields = _front_matter(tokens[0].content)
        pos = 0
        for _ in range(tokens[0].map[1]):  # the body starts on the line after the closing ---
            nl = source.find("\n", pos)
            pos = len(source) if nl == -1 else nl + 1
        body = source[pos:]
        tokens = tokens[1:]
    elif source.split("\n", 1)[0].rstrip() == "---":
        raise _Bad("front matter opened with --- on line 1 is never closed", 1)
    text, removed = _text_of(body, "empty text after the front matter" if body is not source else "empty file")
    ident = fields.pop("id", None)
    ident = _clean_id(ident, "front matter id") if ident is not None else _clean_id(Path(path).stem, "file name")
    title = fields.pop("title", None)
    title = _clean_title(str(title)) if title is not None else ""
    if not title:
        title = _first_heading(tokens) or _first_line(text) or ident
    meta = {k: v for k, v in _jsonable(fields).items()}
    return NewArticle(ident, title, _printable(path), text, meta, removed)


def _first_heading(tokens) -> str:
    for i, tok in enumerate(tokens[:-1]):
        if tok.type == "heading_open":
            inline = tokens[i + 1]
            parts = [c.content if c.type in ("text", "code_inline") else " " if c.type.endswith("break") else ""
                     for c in inline.children or []]
            title = _clean_title("".join(parts))
            if title:
                return title
    return ""


# -- jsonl ------------------------------------------------------------------------------------------------

def _jsonl_line(path: str, stem: str, raw: bytes, start: int, lineno: int) -> NewArticle | None:
    line = _decode(raw, start)
    if lineno == 1:
        line = line.lstrip("\ufeff")
    if not line.strip():
        return None
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _Bad(f"bad JSON ({exc.msg} at column {exc.colno})") from None
    except (ValueError, RecursionError):
        raise _Bad("bad JSON (nested too deeply)") from None
    if not isinstance(obj, dict):
        raise _Bad(f"not a JSON object (a {type(obj).__name__})")
    if "text" not in obj:
        raise _Bad('"text" is missing')
    if not isinstance(obj["text"], str):
        raise _Bad(f'"text" is not a string (a {type(obj["text"]).__name__})')
    meta = obj.get("meta")
    if meta is None:
        meta = {}
    elif not isinstance(meta, dict):
        raise _Bad(f'"meta" is not an object (a {type(meta).__name__})')
    title = obj.get("title")
    if title is not None and not isinstance(title, str):
        raise _Bad(f'"title" is not a string (a {type(title).__name__})')
    text, removed = _text_of(obj["text"], '"text" is empty')
    if obj.get("id") is not None:
        ident = _clean_id(obj["id"], '"id"')
    else:
        ident = f"{stem}-{sha256_text(text)[:12]}"
    extra = {k: v for k, v in obj.items() if k not in ("text", "id", "title", "meta") and k not in meta}
    meta = _jsonable({**meta, **extra})
    title = _clean_title(title) if title else ""
    return NewArticle(ident, title or _first_line(text) or ident, _printable(path), text, meta, removed)


# -- entry points ---------------------------------------------------------------------------------------

def read_paths(paths: Iterable[str | os.PathLike[str]]) -> ReadResult:
    """Read files and folders; every article that could be read, every refusal with its reason."""
    reader = _Reader()
    for p in paths:
        reader.path(os.fspath(p))
    return reader.result


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def add_paths(store: Store, paths: Iterable[str | os.PathLike[str]], out: TextIO | None = None,
              err: TextIO | None = None) -> int:
    """Read ``paths`` into ``store``; print refusals on ``err`` and a summary on ``out``.

    Exit status: 0 if nothing was refused, 1 otherwise.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    result = read_paths(paths)
    for refusal in result.refused:
        print(f"refused {refusal}", file=err)
    for art in result.articles:
        if art.removed_controls:
            print(f"note {art.source}: {_plural(art.removed_controls, 'control character', 'control characters')}"
                  " removed", file=err)
    added = store.add_articles(result.articles) if result.articles else []
    counts = {"added": 0, "unchanged": 0, "new version": 0}
    stale = 0
    for res in added:
        counts[res.outcome] = counts.get(res.outcome, 0) + 1
        if res.outcome == "new version" and res.stale_claims:
            stale += res.stale_claims
            print(f"WARNING: article {res.article_id!r} has a new version: "
                  f"{_plural(res.stale_claims, 'claim was', 'claims were')} made on the old text and "
                  "need review (they stay on the old text, not shifted)", file=err)
    review = f" ({_plural(stale, 'claim needs', 'claims need')} review: text changed)" if stale else ""
    print(f"added {counts['added']}, unchanged {counts['unchanged']}, new version {counts['new version']}"
          f"{review}, refused {len(result.refused)}", file=out)
    return 1 if result.refused else 0
