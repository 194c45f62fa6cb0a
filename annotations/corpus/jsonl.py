"""``.jsonl``: one article a line, ``{"text": ..., "id"?, "title"?, "meta"?}``; other keys go to ``meta``.
Without an id: ``<file stem>-<first 12 hex of the text's SHA-256>``. Blank lines are skipped."""

from __future__ import annotations

import json

from ..models import NewArticle
from ..text.display import escaped
from ..text.fields import ident, json_value
from ..text.normalize import sha256_text
from .common import Bad, clean_title, decode, first_line, text_of


def jsonl_line(path: str, stem: str, raw: bytes, start: int, lineno: int) -> NewArticle | None:
    line = decode(raw, start)
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
    text, removed = text_of(obj["text"], '"text" is empty')
    if obj.get("id") is not None:
        article_id = ident(obj["id"], '"id"')
    else:
        article_id = f"{stem}-{sha256_text(text)[:12]}"
    extra = {k: v for k, v in obj.items() if k not in ("text", "id", "title", "meta") and k not in meta}
    meta = json_value({**meta, **extra}, "meta")
    title = clean_title(title) if title else ""
    return NewArticle(article_id, title or first_line(text) or article_id, escaped(path), text, meta, removed)
