"""``.txt``: the whole file is the text; title = its first non-empty line; id = the file stem."""

from __future__ import annotations

from pathlib import Path

from ..models import NewArticle
from ..text.display import escaped
from ..text.fields import ident
from .common import Bad, check_binary, decode, first_line, text_of


def read_txt(path: str, data: bytes) -> NewArticle:
    if not data:
        raise Bad("empty file")
    check_binary(data)
    text, removed = text_of(decode(data))
    article_id = ident(Path(path).stem, "file name")
    return NewArticle(article_id, first_line(text) or article_id, escaped(path), text, {}, removed)
