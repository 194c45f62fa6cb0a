"""The store's change log: ``STORE/log/<annotator>.jsonl``, one JSON line per change (before/after),
appended and fsynced before the change itself is written. Append-only: a person (or a script) can
replay or audit every change; ``Store.signature`` watches its size.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from ..fileio import FILE_MODE
from ..models import now_iso


def append_change(folder: Path, annotator: str, op: str, key: str, before: Any, after: Any) -> None:
    """One line, durably: one ``write()`` with O_APPEND, so lines of several processes never interleave."""
    entry = {"ts": now_iso(), "annotator": annotator, "pid": os.getpid(), "op": op, "key": key,
             "before": before, "after": after}
    folder.mkdir(exist_ok=True)
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(folder / f"{log_name(annotator)}.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def log_name(name: str) -> str:
    """A file name for an annotator's log: readable, and short enough for any file system
    (a long or odd name keeps 40 characters plus a hash of the whole name, so names never collide)."""
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in name).lstrip(".") or "_"
    if safe != name or len(safe) > 40:
        safe = f"{safe[:40]}-{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"
    return safe
