"""A TinyDB ``Storage`` that several processes and crashes cannot break.

- Reads need no lock: files are only ever replaced whole (``os.replace``), so a
  reader sees the old or the new file, never half of one. A parsed copy is kept
  and reused while the file's stat signature is unchanged, so a process sees
  other processes' changes on its next read.
- Writes happen inside ``locked(path)`` (a ``filelock`` on a separate
  ``.lock`` file) so read-modify-write sequences of different processes never
  interleave. The data goes to a temp file in the same folder, is flushed and
  fsynced, then ``os.replace``d over the old file, and the folder is fsynced:
  once ``write`` returns, the change survives a crash or power loss.
- The JSON is written one record per line: a person can read and diff it, and
  it is much cheaper than ``indent=`` (which uses the pure-Python encoder).
- A file that does not parse raises ``CorruptStoreFile`` naming it; a copy is
  kept beside it (``*.corrupt-<time>``) and it is never overwritten.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from filelock import FileLock
from tinydb import TinyDB
from tinydb.storages import Storage


class StoreError(Exception):
    """A store problem a user can act on; the message is one line."""


class CorruptStoreFile(StoreError):
    def __init__(self, path: Path, reason: str, copy: Path | None):
        kept = f"; a copy is kept at {copy}" if copy else ""
        super().__init__(f"store file {path} is unreadable ({reason}); it was left untouched{kept}")
        self.path = path


_Signature = tuple[int, int, int]


def _signature(path: Path) -> _Signature | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_text(path: Path, data: str) -> None:
    """Write ``data`` to ``path`` so that the file is either old or new, never partial."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)


def dumps_lines(data: dict[str, dict[str, Any]]) -> str:
    """TinyDB's {table: {doc_id: doc}} as JSON with one document per line."""
    tables = []
    for table, docs in data.items():
        rows = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in docs.items())
        tables.append(f"{json.dumps(table)}: {{\n{rows}\n}}" if rows else f"{json.dumps(table)}: {{}}")
    return "{\n" + ",\n".join(tables) + "\n}\n"


_corrupt_copies: dict[Path, Path] = {}


def read_json_file(path: Path) -> Any:
    """Parse a store file, or raise ``CorruptStoreFile`` (after keeping a copy of it)."""
    return _read_json_raw(path)[0]


def _read_json_raw(path: Path) -> tuple[Any, str]:
    try:
        raw = path.read_text(encoding="utf-8")
        return (json.loads(raw) if raw.strip() else {}), raw
    except FileNotFoundError:
        return None, ""
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        copy = _corrupt_copies.get(path)
        if copy is None or not copy.exists():
            copy = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
            try:
                shutil.copy2(path, copy)
            except OSError:
                copy = None
            if copy is not None:
                _corrupt_copies[path] = copy
        reason = exc.__class__.__name__ if not isinstance(exc, json.JSONDecodeError) else f"invalid JSON at line {exc.lineno}"
        raise CorruptStoreFile(path, reason, copy) from None


class AtomicJSONStorage(Storage):
    """TinyDB storage over one JSON file; see the module docstring."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._raw: str | None = None
        self._sig: _Signature | None = None

    def read(self) -> dict[str, dict[str, Any]] | None:
        sig = _signature(self.path)
        if sig is None:
            return None
        if sig != self._sig:
            data, raw = _read_json_raw(self.path)
            if not isinstance(data, dict):
                raise CorruptStoreFile(self.path, "not a JSON object", None)
            self._raw, self._sig = raw, sig
        # TinyDB mutates what read() returns (documents included): hand out a fresh parse
        return json.loads(self._raw) if self._raw else {}

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        # never replace a file we could not read: a corrupt file stays as it is
        if _signature(self.path) not in (None, self._sig):
            read_json_file(self.path)
        text = dumps_lines(data)
        atomic_write_text(self.path, text)
        self._raw, self._sig = text, _signature(self.path)

    def close(self) -> None:
        pass


def open_db(path: Path) -> TinyDB:
    db = TinyDB(path, storage=AtomicJSONStorage)
    # TinyDB's query cache would hide other processes' writes
    db.table(db.default_table_name, cache_size=0)
    return db


def lock_for(path: Path, timeout: float = 30.0) -> FileLock:
    lock_path = path.parent / "locks" / f"{path.stem}.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(lock_path, timeout=timeout)
