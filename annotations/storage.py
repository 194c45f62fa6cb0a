"""A TinyDB ``Storage`` that several processes and crashes cannot break.

- Reads need no lock: files are only ever replaced whole (``os.replace``), so a
  reader sees the old or the new file, never half of one. Every read reads the
  file's bytes (cheap: a bucket is a few hundred KB at most) and re-parses only
  when they differ from the last parse, so a process sees other processes'
  changes on its next read. (Comparing bytes, not ``stat`` results: an inode
  number is reused and mtime is coarse, so a stat signature can repeat.)
- Writes happen inside the caller's lock (a ``filelock`` on a separate
  ``.lock`` file) so read-modify-write sequences of different processes never
  interleave. The data goes to a temp file in the same folder, is flushed and
  fsynced, then ``os.replace``d over the old file, and the folder is fsynced:
  once ``write`` returns, the change survives a crash or power loss.
- The JSON is TinyDB's (``{table: {doc_id: doc}}``), written one document per
  line: a person can read and diff it, stock TinyDB opens it. A write reuses the
  line of every document it did not change (see ``write``), so a save costs
  about one ``json.dumps`` of one document, not of the whole file.
- A file that does not parse (or is empty: this module never writes an empty
  file) raises ``CorruptStoreFile`` naming it; a copy of its bytes is kept
  beside it (``*.corrupt-<time>``, one per distinct content) and it is never
  overwritten.
- Files are created with the permissions ``open()`` would give (``0o666`` less
  the umask), so a store shared by a group stays readable by the group.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Iterable
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


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()
Tables = dict[str, dict[str, Any]]


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_text(path: Path, data: str) -> None:
    """Write ``data`` to ``path`` so that the file is either old or new, never partial; durable on return."""
    atomic_write_many([(Path(path), data)])


def atomic_write_many(items: Iterable[tuple[Path, str]]) -> None:
    """Several atomic writes with one sync round: all temp files are fsynced before any replace.

    Each file on its own is old or new, never partial; a crash between two replaces
    can leave the first file new and the second old."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in items:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                os.fchmod(fh.fileno(), FILE_MODE)  # mkstemp makes 0o600
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        for tmp, path in temps:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in temps:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        raise
    for folder in dict.fromkeys(path.parent for _, path in temps):
        fsync_dir(folder)


def _doc_line(doc_id: str, doc: Any) -> str:
    return f"  {json.dumps(doc_id)}: {json.dumps(doc, ensure_ascii=False)}"


def dumps_lines(data: Tables, reuse: dict[str, dict[str, tuple[Any, str]]] | None = None) -> str:
    """TinyDB's {table: {doc_id: doc}} as JSON with one document per line.

    ``reuse``: {table: {doc_id: (doc, line)}}; a document that *is* (identity) ``doc``
    is written as ``line`` instead of being serialised again."""
    tables = []
    for table, docs in data.items():
        known = (reuse or {}).get(table, {})
        rows = []
        for k, v in docs.items():
            old = known.get(k)
            rows.append(old[1] if old is not None and old[0] is v else _doc_line(k, v))
        body = ",\n".join(rows)
        tables.append(f"{json.dumps(table)}: {{\n{body}\n}}" if rows else f"{json.dumps(table)}: {{}}")
    return "{\n" + ",\n".join(tables) + "\n}\n"


def split_lines(text: str, data: Tables) -> dict[str, dict[str, tuple[Any, str]]] | None:
    """The {table: {doc_id: (doc, line)}} of a file ``dumps_lines`` wrote; None for any other layout."""
    lines = text.split("\n")
    if lines[0] != "{":
        return None
    out: dict[str, dict[str, tuple[Any, str]]] = {}
    i = 1
    try:
        for table, docs in data.items():
            name = json.dumps(table)
            if not docs:
                if not lines[i].startswith(f"{name}: {{}}"):
                    return None
                out[table], i = {}, i + 1
                continue
            if lines[i] != f"{name}: {{":
                return None
            i += 1
            got = {}
            for k, v in docs.items():
                line = lines[i].removesuffix(",")
                if not line.startswith(f'  "{k}": {{' if k.isdigit() else f"  {json.dumps(k)}: {{"):
                    return None
                got[k] = (v, line)
                i += 1
            if not lines[i].startswith("}"):
                return None
            out[table], i = got, i + 1
    except IndexError:
        return None
    return out


def _keep_copy(path: Path, raw: bytes | None) -> Path | None:
    """Keep the bytes of a corrupt file beside it, once per distinct content."""
    try:
        if raw is None:
            raw = path.read_bytes()
        for old in path.parent.glob(f"{path.name}.corrupt-*"):
            if old.read_bytes() == raw:
                return old
        copy = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        return copy
    except OSError:
        return None


def _read_bytes(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CorruptStoreFile(path, exc.strerror or exc.__class__.__name__, None) from None


def parse_json(path: Path, raw: bytes, tables: bool = False) -> Any:
    """Parse a store file's bytes; raise ``CorruptStoreFile`` (after keeping a copy) if they are bad.

    ``tables``: the content must be TinyDB's {table: {doc_id: {...}}}."""
    reason = ""
    try:
        data = json.loads(raw.decode("utf-8"))
        if tables and not (isinstance(data, dict) and all(
                isinstance(docs, dict) and all(isinstance(d, dict) for d in docs.values()) for docs in data.values())):
            reason = "not TinyDB tables of JSON objects"
    except UnicodeDecodeError:
        reason = "not UTF-8"
    except json.JSONDecodeError as exc:
        reason = "empty file" if not raw.strip() else f"invalid JSON at line {exc.lineno}"
    if reason:
        raise CorruptStoreFile(path, reason, _keep_copy(path, raw))
    return data


def read_json_file(path: Path, tables: bool = False) -> Any:
    """Parse a store file (None if it does not exist), or raise ``CorruptStoreFile``."""
    raw = _read_bytes(path)
    return None if raw is None else parse_json(path, raw, tables)


class AtomicJSONStorage(Storage):
    """TinyDB storage over one JSON file; see the module docstring."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._raw: bytes | None = None  # the file's bytes as last read or written
        self._data: Tables | None = None  # self._raw parsed; shared by snapshot() callers, never mutated
        self._lines: dict[str, dict[str, tuple[Any, str]]] | None = None  # split_lines of self._raw
        self._mutex = threading.RLock()  # the three above change together (threads of one app share a Store)

    def snapshot(self) -> Tables | None:
        """The file's current content (None if missing), parsed again only when its bytes changed.

        The result is shared: treat it as read-only (``write`` reuses the lines of the
        documents it still finds in it)."""
        raw = _read_bytes(self.path)
        with self._mutex:
            if raw is None:
                self._raw = self._data = self._lines = None
                return None
            if raw != self._raw or self._data is None:
                data = parse_json(self.path, raw, tables=True)
                self._raw, self._data, self._lines = raw, data, None
            return self._data

    def read(self) -> Tables | None:
        # TinyDB mutates what read() returns (documents included): hand out a private copy
        return None if self.snapshot() is None else json.loads(self._raw)

    def prepare(self, data: Tables) -> str:
        """The text ``write`` would write; raises ``CorruptStoreFile`` if the file on disk does not parse.

        Documents of ``data`` that are the very objects of the last snapshot keep their line."""
        with self._mutex:
            if self.snapshot() is not None and self._lines is None:  # never replace a file we could not read
                self._lines = split_lines(self._raw.decode("utf-8"), self._data) or {}
            lines = self._lines
        return dumps_lines(data, lines)

    def written(self, data: Tables, text: str, keep: bool) -> None:
        """Record that ``text`` (from ``prepare(data)``) is now the file. ``keep``: ``data`` becomes the
        snapshot (the caller will not mutate it)."""
        with self._mutex:
            self._raw, self._data, self._lines = text.encode("utf-8"), data if keep else None, None

    def write(self, data: Tables, keep: bool = False) -> None:
        text = self.prepare(data)
        atomic_write_text(self.path, text)
        self.written(data, text, keep)

    def close(self) -> None:
        pass


def write_together(items: list[tuple[AtomicJSONStorage, Tables]]) -> None:
    """``write(data, keep=True)`` for several storages, with one sync round (``atomic_write_many``)."""
    texts = [storage.prepare(data) for storage, data in items]  # all files readable before any is replaced
    atomic_write_many([(storage.path, text) for (storage, _), text in zip(items, texts)])
    for (storage, data), text in zip(items, texts):
        storage.written(data, text, keep=True)


def open_db(path: Path) -> TinyDB:
    """A TinyDB over one store file (tools, tests). The store itself reads and writes the storage directly:
    TinyDB's query cache and next-id counter do not see other processes."""
    return TinyDB(path, storage=AtomicJSONStorage)


def lock_for(path: Path, timeout: float = 30.0) -> FileLock:
    lock_path = path.parent / "locks" / f"{path.stem}.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(lock_path, timeout=timeout, mode=FILE_MODE)
