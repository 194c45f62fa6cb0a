"""The store's change log: ``STORE/log/<annotator>.jsonl``, an exact record of every change.

A change (``Buckets.change``) is logged in two steps, under the bucket's lock:

1. before any bucket file is replaced, one line per changed record, all with the change's ``tx`` id
   (``ts``, ``tx``, ``bucket``, ``annotator``, the real UNIX ``user`` and ``uid``, ``pid``, ``op``,
   ``key``, ``before``, ``after``; under ``claimtag serve``, ``ssh``: the authenticated name and key
   fingerprint the server gave the session), written in one ``O_APPEND`` write and fsynced;
2. once the bucket files are replaced (durably), a marker ``{"tx": ..., "applied": true}``; if writing
   them failed, ``{"tx": ..., "applied": false, "error": ...}``.

So an entry with ``applied: true`` happened, one with ``applied: false`` did not, and an entry without a
marker (a process killed between the two steps) is settled by ``claimtag check``, which compares it with
the store and (``--repair``) appends the marker it lacked. A line cut short (disk full, crash mid-write)
is never glued to the next one: an append starts on a new line (``StoreFS.append``); ``check`` reports it
and ``--repair`` marks it ``{"torn_line": N}``. The marker is not fsynced: if it is lost in a power cut,
``check`` settles the entry the same way. Why not a write-ahead log that the buckets are rebuilt from:
see docs/ARCHITECTURE.md (it needs a per-bucket sequence and a replay on open; the figures did not pay).
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..models import now_iso
from .files import json_text, remember_json
from .fs import StoreFS

SSH_IDENTITY = "CLAIMTAG_SSH_IDENTITY"  # set by claimtag serve for each session: "name SHA256:fingerprint"


@cache
def unix_user() -> tuple[str, int]:
    """The real UNIX user running this process (not ``$USER``, which a client can set)."""
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name, uid
    except KeyError:
        return str(uid), uid


@dataclass
class PendingLog:
    """The log lines of one change, written by ``write_intents`` and settled by ``write_outcome``."""

    bucket: str
    tx: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    lines: dict[str, list[bytes]] = field(default_factory=dict)  # log file name -> its lines
    written: list[str] = field(default_factory=list)  # files the intents went to

    def add(self, annotator: str, op: str, key: str, before: Any, after: Any) -> None:
        user, uid = unix_user()
        entry = {"ts": now_iso(), "tx": self.tx, "bucket": self.bucket, "annotator": annotator, "user": user,
                 "uid": uid, "pid": os.getpid(), "op": op, "key": key}
        ssh = os.environ.get(SSH_IDENTITY)
        if ssh:
            entry["ssh"] = ssh
        after_json = json_text(after)
        remember_json(after, after_json)  # the bucket file writes the same record: serialised once
        line = (f"{json_text(entry)[:-1]}, \"before\": {json_text(before)}, "
                f"\"after\": {after_json}}}\n").encode("utf-8")
        self.lines.setdefault(log_name(annotator), []).append(line)

    def write_intents(self, fs: StoreFS) -> None:
        folder = fs.folder("log")
        for name, lines in self.lines.items():
            fs.append(folder / f"{name}.jsonl", b"".join(lines))
            self.written.append(name)

    def write_outcome(self, fs: StoreFS, applied: bool, error: str = "") -> None:
        marker: dict[str, Any] = {"tx": self.tx, "applied": applied}
        if error:
            marker["error"] = error
        line = (json.dumps(marker, ensure_ascii=False) + "\n").encode("utf-8")
        for name in self.written:
            try:
                fs.append(fs.root / "log" / f"{name}.jsonl", line, durable=False)
            except OSError:
                pass  # check settles an entry without a marker


@cache
def log_name(name: str) -> str:
    """A file name for an annotator's log: readable, and short enough for any file system
    (a long or odd name keeps 40 characters plus a hash of the whole name, so names never collide)."""
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in name).lstrip(".") or "_"
    if safe != name or len(safe) > 40:
        safe = f"{safe[:40]}-{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"
    return safe


@dataclass
class LogLine:
    file: Path
    line: int
    entry: dict[str, Any] | None  # None: a torn line


def read_logs(fs: StoreFS) -> Iterator[LogLine]:
    """Every line of every log file, in file order (a torn or unreadable line as ``entry=None``)."""
    folder = fs.root / "log"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.jsonl")):
        raw = fs.read(path) or b""
        for no, line in enumerate(raw.split(b"\n"), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except (ValueError, RecursionError):
                entry = None
            yield LogLine(path, no, entry if isinstance(entry, dict) else None)
