"""``.md`` / ``.markdown``: optional YAML front matter (found with markdown-it-py's front-matter plugin,
read with ``yaml.safe_load``). The stored text is the body after the front matter. Title from the
front matter, else the first heading, else the first non-empty line; id from the front matter, else
the file stem; every other front-matter key goes to ``meta`` (dates as ISO strings)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..models import NewArticle
from ..text.display import escaped
from ..text.fields import ident, json_value
from .common import Bad, check_binary, clean_title, decode, first_line, text_of

_md_parser: Any = None


def _markdown() -> Any:
    global _md_parser
    if _md_parser is None:
        from markdown_it import MarkdownIt
        from mdit_py_plugins.front_matter import front_matter_plugin

        _md_parser = MarkdownIt("commonmark").use(front_matter_plugin)
    return _md_parser


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
    source = decode(data).replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
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
    text, removed = text_of(body, "empty text after the front matter" if body is not source else "empty file")
    article_id = fields.pop("id", None)
    article_id = ident(article_id, "front matter id") if article_id is not None else ident(Path(path).stem, "file name")
    title = fields.pop("title", None)
    title = clean_title(str(title)) if title is not None else ""
    if not title:
        title = _first_heading(tokens) or first_line(text) or article_id
    meta = json_value(fields, "meta")
    return NewArticle(article_id, title, escaped(path), text, meta, removed)


def _first_heading(tokens: list[Any]) -> str:
    for i, tok in enumerate(tokens[:-1]):
        if tok.type == "heading_open":
            inline = tokens[i + 1]
            parts = [c.content if c.type in ("text", "code_inline") else " " if c.type.endswith("break") else ""
                     for c in inline.children or []]
            title = clean_title("".join(parts))
            if title:
                return title
    return ""
