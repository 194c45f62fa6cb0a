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
  line of every document it did not change (see ``prepare``), so a save costs
  about one ``json.dumps`` of one document, not of the whole file.
- A file that does not parse (or is empty: this module never writes an empty
  file) raises ``CorruptStoreFile`` naming it; a copy of its bytes is kept
  beside it (``*.corrupt-<time>``, one per distinct content) and it is never
  overwritten.
- Files are created with the permissions ``open()`` would give (``0o666`` less
  the umask), so a store shared by a group stays readable by the group.

``batch()`` groups the writes of one change (several tables, several files):
they are written together, with one sync round, when the batch ends.
Open such a file with ``store_db.StoreDB`` (TinyDB tables safe for several
processes), not with a stock ``TinyDB``.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from ..errors import CorruptStoreFile
from ..fileio import FILE_MODE, NotARegularFile, atomic_write_many, read_regular
from .fs import StoreFS, write_error

Tables = dict[str, dict[str, Any]]


json_text = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(x, ensure_ascii=False), without making
# an encoder per call (a third of an import's serialising time went there)


def _doc_line(doc_id: str, doc: Any) -> bytes:
    current = _open_batch()
    known = current.json.get(id(doc)) if current is not None else None
    text = known[1] if known is not None and known[0] is doc else json_text(doc)
    return f"  {json.dumps(doc_id)}: {text}".encode("utf-8")


Lines = dict[str, dict[str, bytes]]  # {table: {doc_id: the document's line in the file, UTF-8}}


def dumps_lines(data: Tables, reuse: tuple[Tables, Lines] | None = None, lines_out: Lines | None = None) -> bytes:
    """TinyDB's {table: {doc_id: doc}} as JSON (UTF-8) with one document per line.

    ``reuse``: (old data, its lines); a document that *is* (identity) the old document of
    its id is written as the old line instead of being serialised again. ``lines_out``
    receives the lines of the text returned. Built as bytes from bytes: one copy of the
    file, where joining ``str`` lines cost several (a line with an emoji makes the whole
    text 4 bytes a character) and an encoding: 3x slower on a 1 MB bucket."""
    old_data, old_lines = reuse or ({}, {})
    parts = [b"{\n"]
    for n, (table, docs) in enumerate(data.items()):
        known, known_lines = old_data.get(table, {}), old_lines.get(table, {})
        got = {}
        for k, v in docs.items():
            line = known_lines.get(k) if known.get(k) is v else None
            got[k] = line if line is not None else _doc_line(k, v)
        if lines_out is not None:
            lines_out[table] = got
        name = json.dumps(table).encode("utf-8")
        parts.append(b",\n" if n else b"")
        if got:
            parts += [name, b": {\n", b",\n".join(got.values()), b"\n}"]
        else:
            parts += [name, b": {}"]
    parts.append(b"\n}\n")
    return b"".join(parts)


def split_lines(raw: bytes, data: Tables) -> Lines | None:
    """The line of each document of a file ``dumps_lines`` wrote; None for any other layout.

    ``data`` is ``raw`` parsed (document ids are whole numbers: ``parse_json`` checks)."""
    lines = raw.split(b"\n")
    if lines[0] != b"{":
        return None
    out: Lines = {}
    i = 1
    for table, docs in data.items():
        name = json.dumps(table).encode("utf-8")
        if not docs:
            if not lines[i].startswith(name + b": {}"):
                return None
            out[table], i = {}, i + 1
            continue
        if lines[i] != name + b": {":
            return None
        chunk = lines[i + 1:i + 1 + len(docs)]
        i += 1 + len(docs)
        if len(chunk) != len(docs) or i >= len(lines) or not lines[i].startswith(b"}"):
            return None
        got = {}
        for k, line in zip(docs, chunk):
            if not line.startswith(f'  "{k}": {{'.encode("ascii")):
                return None
            got[k] = line[:-1] if line.endswith(b",") else line
        out[table], i = got, i + 1
    return out


def _keep_copy(path: Path, raw: bytes, mode: int) -> Path | None:
    """Keep the bytes of a corrupt file beside it, once per distinct content. ``raw`` are bytes read
    from the store file itself (``read_regular``: never through a link), so nothing else is ever copied;
    the copy gets the store's file mode."""
    try:
        for old in path.parent.glob(f"{path.name}.corrupt-*"):
            try:
                if read_regular(old) == raw:
                    return old
            except NotARegularFile:
                continue
        copy = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        return copy
    except OSError:
        return None


def _read_bytes(path: Path) -> bytes | None:
    try:
        return read_regular(path)
    except NotARegularFile:
        raise CorruptStoreFile(path, "a symbolic link or not a regular file: never followed", None) from None
    except OSError as exc:
        raise CorruptStoreFile(path, exc.strerror or exc.__class__.__name__, None) from None


def _whole_numbers(keys: str) -> bool:  # the document ids of a table, joined
    return keys.isascii() and keys.isdigit()


def parse_json(path: Path, raw: bytes, tables: bool = False, mode: int = FILE_MODE) -> Any:
    """Parse a store file's bytes; raise ``CorruptStoreFile`` (after keeping a copy) if they are bad.

    ``tables``: the content must be TinyDB's {table: {doc_id: {...}}}."""
    reason = ""
    try:
        data = json.loads(raw.decode("utf-8"))
        if tables and not (isinstance(data, dict) and all(
                isinstance(docs, dict) and all(isinstance(d, dict) for d in docs.values()) for docs in data.values())):
            reason = "not TinyDB tables of JSON objects"
        elif tables and not all(_whole_numbers("".join(docs)) for docs in data.values() if docs):
            reason = "a document id is not a whole number"
    except UnicodeDecodeError:
        reason = "not UTF-8"
    except RecursionError:
        reason = "JSON nested too deeply"
    except json.JSONDecodeError as exc:
        reason = "empty file" if not raw.strip() else f"invalid JSON at line {exc.lineno}"
    if reason:
        raise CorruptStoreFile(path, reason, _keep_copy(path, raw, mode))
    return data


def read_json_file(path: Path, tables: bool = False) -> Any:
    """Parse a store file (None if it does not exist), or raise ``CorruptStoreFile``."""
    raw = _read_bytes(path)
    return None if raw is None else parse_json(path, raw, tables)


class _Batch:
    def __init__(self) -> None:
        self.pending: dict[Path, tuple[AtomicJSONStorage, Tables]] = {}  # writes waiting for the end
        self.seen: dict[Path, Tables | None] = {}  # files as read (once) in this batch
        self.json: dict[int, tuple[Any, str]] = {}  # id(document) -> (document, its JSON): see remember_json


def remember_json(doc: Any, text: str) -> None:
    """``text`` is ``json.dumps(doc, ensure_ascii=False)`` (the change log made it): a write in this batch
    uses it instead of serialising ``doc`` again. The document is held, so its id cannot be reused."""
    current = _open_batch()
    if current is not None:
        current.json[id(doc)] = (doc, text)


_local = threading.local()  # the batch open in this thread, if any


def _open_batch() -> _Batch | None:
    return getattr(_local, "batch", None)


@contextmanager
def batch(ready: Callable[[], None] | None = None) -> Iterator[None]:
    """Group this thread's writes: within, ``AtomicJSONStorage.write`` only records the data (reads in
    this thread see it, through any storage of the same file); when the block ends, every file written
    is written for real, with one sync round (``write_together``; ``ready`` is called just before the
    first replace). An exception discards them all.

    Each file is read from disk once per batch: the caller must hold a lock that every writer of
    those files takes (the store's bucket lock). A nested batch is part of the outer one."""
    if _open_batch() is not None:
        yield
        return
    _local.batch = current = _Batch()
    try:
        yield
    finally:
        _local.batch = None
    write_together(list(current.pending.values()), read=current.seen, ready=ready)


def copy_json(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars); much faster than ``copy.deepcopy``."""
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [copy_json(v) for v in value]
    return value


class AtomicJSONStorage(Storage):
    """TinyDB storage over one JSON file; see the module docstring."""

    def __init__(self, path: str | os.PathLike[str], fs: StoreFS | None = None):
        self.path = Path(path)
        self.fs = fs  # the store's folder checks and modes (None: a file outside a store, in tests)
        self._raw: bytes | None = None  # the file's bytes as last read or written
        self._data: Tables | None = None  # self._raw parsed; shared by snapshot() callers, never mutated
        self._lines: Lines | None = None  # the line of each document of self._data in self._raw
        self._mutex = threading.RLock()  # the three above change together (threads of one app share a Store)

    def snapshot(self) -> Tables | None:
        """The file's content (None if missing): in a batch, as this batch wrote or first read it;
        otherwise as it is on disk now, parsed again only when its bytes changed.

        The result is shared: treat it as read-only (``write`` reuses the lines of the
        documents it still finds in it, by identity)."""
        current = _open_batch()
        if current is None:
            return self._disk_snapshot()
        if self.path in current.pending:
            return current.pending[self.path][1]
        if self.path not in current.seen:
            current.seen[self.path] = self._disk_snapshot()
        return current.seen[self.path]

    def _disk_snapshot(self) -> Tables | None:
        raw = _read_bytes(self.path)
        with self._mutex:
            if raw is None:
                self._raw = self._data = self._lines = None
                return None
            if raw != self._raw or self._data is None:
                data = parse_json(self.path, raw, True, self.fs.file_mode if self.fs else FILE_MODE)
                self._raw, self._data, self._lines = raw, data, None
            return self._data

    def read(self) -> Tables | None:
        # stock TinyDB tables mutate what read() returns (documents included): hand out a private copy
        return copy_json(self.snapshot())

    def write(self, data: Tables) -> None:
        """Write ``data`` (which becomes the snapshot: the caller must not change it afterwards);
        in a ``batch()``, when the batch ends."""
        current = _open_batch()
        if current is not None:
            current.pending[self.path] = (self, data)
        else:
            write_together([(self, data)])

    def prepare(self, data: Tables, read: bool = False) -> tuple[bytes, Lines]:
        """The bytes to write for ``data`` and its line map; raises ``CorruptStoreFile`` if the file on disk
        does not parse (it is never replaced). ``read``: the file was read under the lock now held (in
        this batch), no need to read it again. Documents of the last snapshot keep their line."""
        with self._mutex:
            if not read:
                self._disk_snapshot()
            if self._lines is None and self._data is not None:
                self._lines = (split_lines(self._raw, self._data) if self._raw is not None else None) or {}
            reuse = (self._data or {}, self._lines or {})
        lines: Lines = {}
        return dumps_lines(data, reuse, lines), lines

    def written(self, data: Tables, raw: bytes, lines: Lines) -> None:
        """Record that ``raw`` (from ``prepare(data)``) is now the file and ``data`` its snapshot."""
        with self._mutex:
            self._raw, self._data, self._lines = raw, data, lines

    def close(self) -> None:
        pass


def write_together(items: list[tuple[AtomicJSONStorage, Tables]], read: Iterable[Path] = (),
                   ready: Callable[[], None] | None = None) -> None:
    """Write several storages with one sync round (``atomic_write_many``), in order. ``read``: files
    read under the lock held now (see ``prepare``); ``ready``: see ``atomic_write_many``."""
    if not items:
        return
    read = set(read)
    prepared = [storage.prepare(data, storage.path in read) for storage, data in items]  # all readable first
    fs = items[0][0].fs
    for storage, _ in items:
        if storage.fs is not None:
            storage.fs.parent(storage.path)  # never write through a planted link
    try:
        atomic_write_many([(storage.path, raw) for (storage, _), (raw, _) in zip(items, prepared)],
                          fs.file_mode if fs else FILE_MODE, ready)
    except OSError as exc:  # a full disk, a read-only store: the store's fault, said as such
        raise write_error(exc, Path(exc.filename or items[0][0].path)) from None
    for (storage, data), (raw, lines) in zip(items, prepared):
        storage.written(data, raw, lines)
