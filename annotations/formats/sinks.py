"""Where export records go: standard output, a file (atomic), or a folder (atomic as a whole).

A file or folder is never left half-written: it is built beside its final path and renamed into place."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from ..errors import ExportError
from ..fileio import atomic_stream, atomic_write, current_umask, fsync_path
from ..text.display import escaped


def write_jsonl(recs: Iterable[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for rec in recs:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


def to_stdout(recs: Iterable[dict[str, Any]], out: IO[str] | None = None) -> int:
    """JSONL on ``out`` (default: standard output as UTF-8, whatever the locale says)."""
    if out is not None:
        n = write_jsonl(recs, out)
        out.flush()
        return n
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        return to_stdout(recs, sys.stdout)
    sys.stdout.flush()
    wrapper = io.TextIOWrapper(buffer, encoding="utf-8", newline="\n")
    try:
        n = write_jsonl(recs, wrapper)
        wrapper.flush()
    finally:
        wrapper.detach()  # leave sys.stdout's buffer open
    return n


def output_mode(path: Path, folder: bool = False) -> int:
    """The mode an export at ``path`` gets: an existing regular file keeps its own, a new one the user's
    umask. Anything else at ``path`` (a link, a FIFO, a device, a folder where a file goes) is refused:
    ``export -o /dev/null`` run as root must not replace the device with a file."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return (0o777 if folder else 0o666) & ~current_umask()
    kind = ("a symbolic link" if stat.S_ISLNK(st.st_mode) else "a FIFO" if stat.S_ISFIFO(st.st_mode)
            else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "a socket" if stat.S_ISSOCK(st.st_mode) else "")
    if not kind and folder != stat.S_ISDIR(st.st_mode):
        kind = "a file" if folder else "a folder"
    if kind:
        want = "a folder" if folder else "a regular file"
        raise ExportError(f"{escaped(str(path))} is {kind}: export writes {want} or a new path, refused")
    return stat.S_IMODE(st.st_mode)


def to_file(path: Path, recs: Iterable[dict[str, Any]]) -> int:
    """JSONL streamed to a temp file beside ``path``, fsynced, then renamed: old or complete, never partial."""
    mode = output_mode(path)
    return atomic_stream(path, lambda fh: write_jsonl(recs, fh), mode)


class FolderSink:
    """A folder format's output: files are written into a temp folder beside ``path``; ``commit``
    renames it into place (replacing an older export folder as a whole)."""

    def __init__(self, path: Path):
        self.path = path
        mode = output_mode(path, folder=True)
        parent = path.parent if str(path.parent) else Path(".")
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent))
        os.chmod(self.tmp, mode)

    def write(self, name: str, data: str | bytes) -> None:
        if "/" in name or name in ("", ".", ".."):
            raise ValueError(f"not a file name: {name!r}")
        atomic_write(self.tmp / name, data, 0o666 & ~current_umask())

    def commit(self) -> None:
        if self.path.is_dir() and not self.path.is_symlink():
            old = self.path.with_name(f".{self.path.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(self.path, old)
            os.replace(self.tmp, self.path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(self.tmp, self.path)
        fsync_path(self.path.parent if str(self.path.parent) else Path("."))

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
