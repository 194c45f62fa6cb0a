"""Per-format readers: one file's bytes (``.txt``, ``.md``) or one ``.jsonl`` line into a ``NewArticle``.

``corpus.py`` walks files and folders and calls these; its docstring describes the formats. A
reader raises ``Bad(reason, line)`` for input it refuses; ``corpus`` turns that into a ``Refusal``.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
from pathlib import Path
from typing import Any

from .normalize import has_controls, normalize_text, sha256_text, strip_controls
from .store import NewArticle

SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md", ".jsonl": "jsonl"}
TITLE_MAX = 200
_SURROGATE = re.compile("[\ud800-\udfff]")  # lone surrogates (from JSON "\\ud800"): not storable as UTF-8


def printable(s: str) -> str:
    """A path safe to print and store: undecodable bytes and control characters as escapes."""
    s = s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in s)


class Bad(Exception):
    """One refused item: raised inside a reader, turned into a Refusal."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.reason, self.line = reason, line


# -- decoding ---------------------------------------------------------------------------------------

def check_binary(data: bytes) -> None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Bad("UTF-16/UTF-32 text, not UTF-8 (save it as UTF-8)")
    nul = data.find(b"\x00")
    if nul != -1:
        raise Bad(f"binary file (NUL byte at byte offset {nul})")


def _decode(data: bytes, base: int = 0) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.start + 1].hex()
        raise Bad(f"not UTF-8 (byte 0x{bad} at byte offset {base + exc.start})") from None


def _text_of(raw: str, empty: str = "empty file") -> tuple[str, int]:
    text, removed = normalize_text(raw)
    if not text.strip():
        raise Bad(f"{empty} (nothing but whitespace or control characters)" if raw.strip() else empty)
    bad = _SURROGATE.search(text)
    if bad:
        raise Bad(f"text is not valid Unicode (lone surrogate U+{ord(bad.group()):04X} at offset {bad.start()})")
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
        raise Bad(f"{what} must be a string, not {type(value).__name__}")
    ident = str(value).strip()
    if not ident:
        raise Bad(f"{what} is empty")
    if has_controls(ident) or "\n" in ident or "\t" in ident:
        raise Bad(f"{what} {printable(ident)!r} contains control characters")
    return printable(ident) if _SURROGATE.search(ident) else ident


def read_txt(path: str, data: bytes) -> NewArticle:
    if not data:
        raise Bad("empty file")
    check_binary(data)
    text, removed = _text_of(_decode(data))
    ident = _clean_id(Path(path).stem, "file name")
    return NewArticle(ident, _first_line(text) or ident, printable(path), text, {}, removed)


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
        raise Bad(f"broken front matter: {problem}", mark.line + 2 if mark else None) from None
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. a date that does not exist
        raise Bad(f"broken front matter: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise Bad(f"front matter is not a mapping (it is a {type(data).__name__})")
    return data


def read_md(path: str, data: bytes) -> NewArticle:
    if not data:
        raise Bad("empty file")
    check_binary(data)
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
        raise Bad("front matter opened with --- on line 1 is never closed", 1)
    text, removed = _text_of(body, "empty text after the front matter" if body is not source else "empty file")
    ident = fields.pop("id", None)
    ident = _clean_id(ident, "front matter id") if ident is not None else _clean_id(Path(path).stem, "file name")
    title = fields.pop("title", None)
    title = _clean_title(str(title)) if title is not None else ""
    if not title:
        title = _first_heading(tokens) or _first_line(text) or ident
    meta = {k: v for k, v in _jsonable(fields).items()}
    return NewArticle(ident, title, printable(path), text, meta, removed)


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

def jsonl_line(path: str, stem: str, raw: bytes, start: int, lineno: int) -> NewArticle | None:
    line = _decode(raw, start)
    if lineno == 1:
        line = line.lstrip("\ufeff")
    if not line.strip():
        return None
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise Bad(f"bad JSON ({exc.msg} at column {exc.colno})") from None
    except (ValueError, RecursionError):
        raise Bad("bad JSON (nested too deeply)") from None
    if not isinstance(obj, dict):
        raise Bad(f"not a JSON object (a {type(obj).__name__})")
    if "text" not in obj:
        raise Bad('"text" is missing')
    if not isinstance(obj["text"], str):
        raise Bad(f'"text" is not a string (a {type(obj["text"]).__name__})')
    meta = obj.get("meta")
    if meta is None:
        meta = {}
    elif not isinstance(meta, dict):
        raise Bad(f'"meta" is not an object (a {type(meta).__name__})')
    title = obj.get("title")
    if title is not None and not isinstance(title, str):
        raise Bad(f'"title" is not a string (a {type(title).__name__})')
    text, removed = _text_of(obj["text"], '"text" is empty')
    if obj.get("id") is not None:
        ident = _clean_id(obj["id"], '"id"')
    else:
        ident = f"{stem}-{sha256_text(text)[:12]}"
    extra = {k: v for k, v in obj.items() if k not in ("text", "id", "title", "meta") and k not in meta}
    meta = _jsonable({**meta, **extra})
    title = _clean_title(title) if title else ""
    return NewArticle(ident, title or _first_line(text) or ident, printable(path), text, meta, removed)
