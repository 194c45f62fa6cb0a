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
as given or walked. Reading one file's bytes is one module per type: ``txt.py``, ``md.py``, ``jsonl.py``.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..models import NewArticle
from ..progress import progress_bar
from ..store import Store
from ..text.display import counted, escaped
from .common import SUFFIXES, Bad, check_binary
from .jsonl import jsonl_line
from .md import read_md
from .txt import read_txt


@dataclass(frozen=True)
class Refusal:
    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = escaped(self.path)
        return f"{where}:{self.line}: {self.reason}" if self.line is not None else f"{where}: {self.reason}"


@dataclass
class ReadResult:
    articles: list[NewArticle] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


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
        self.result.refused.append(Refusal(escaped(path), reason, line))

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
                    self.refuse(full, f"symlink loop: points back to {escaped(real)}; not followed")
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
            article = read_md(path, data) if kind == "md" else read_txt(path, data)
        except Bad as bad:
            self.refuse(path, bad.reason, bad.line)
            return
        self.accept(article, escaped(path), path, None)

    def jsonl(self, path: str, data: bytes) -> None:
        try:
            check_binary(data)
        except Bad as bad:
            self.refuse(path, bad.reason)
            return
        if not data.strip():
            self.refuse(path, "empty file")
            return
        stem = escaped(Path(path).stem)
        offset = 0
        for lineno, raw in enumerate(data.split(b"\n"), start=1):
            start, offset = offset, offset + len(raw) + 1
            try:
                article = jsonl_line(path, stem, raw, start, lineno)
            except Bad as bad:
                self.refuse(path, bad.reason, lineno)
                continue
            if article is not None:
                self.accept(article, f"{escaped(path)}:{lineno}", path, lineno)

    def accept(self, article: NewArticle, where: str, path: str, line: int | None) -> None:
        first = self.ids.get(article.id)
        if first is not None:
            self.refuse(path, f"duplicate id {article.id!r} (first from {first})", line)
            return
        self.ids[article.id] = where
        self.result.articles.append(article)


# -- entry points ---------------------------------------------------------------------------------------

def read_paths(paths: Iterable[str | os.PathLike[str]]) -> ReadResult:
    """Read files and folders; every article that could be read, every refusal with its reason."""
    reader = _Reader()
    for p in paths:
        reader.path(os.fspath(p))
    return reader.result


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
            print(f"note {escaped(art.source)}: {counted(art.removed_controls, 'control character', 'control characters')}"
                  " removed", file=err)
    with progress_bar(err, "adding", len(result.articles)) as advance:
        added = store.add_articles(result.articles, progress=advance) if result.articles else []
    counts = {"added": 0, "unchanged": 0, "new version": 0}
    stale = 0
    for res in added:
        counts[res.outcome] = counts.get(res.outcome, 0) + 1
        if res.outcome == "new version" and res.stale_claims:
            stale += res.stale_claims
            print(f"WARNING: article {res.article_id!r} has a new version: "
                  f"{counted(res.stale_claims, 'claim was', 'claims were')} made on the old text and "
                  "need review (they stay on the old text, not shifted)", file=err)
    review = f" ({counted(stale, 'claim needs', 'claims need')} review: text changed)" if stale else ""
    print(f"added {counts['added']}, unchanged {counts['unchanged']}, new version {counts['new version']}"
          f"{review}, refused {len(result.refused)}", file=out)
    return 1 if result.refused else 0
