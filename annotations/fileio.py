"""Writing a file so that it is old or new, never partial, and durable when the call returns.

The one implementation of atomic writing: the store's files (``store/files.py``) and export
outputs (``formats/sinks.py``) both use it.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from .errors import StoreError

T = TypeVar("T")


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~current_umask()  # what open() would give a new file


def fsync_path(path: str | os.PathLike[str]) -> None:
    """fsync a file or a folder by its path."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class NotARegularFile(StoreError):
    """A path that is a symbolic link, a folder, a FIFO or a device where a regular file was expected."""


NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC


def open_regular(path: Path, flags: int = os.O_RDONLY, mode: int = 0o600) -> int:
    """``os.open`` that never follows a symbolic link (``O_NOFOLLOW``) and refuses anything but a regular
    file (checked on the open descriptor, so the file cannot be swapped between check and use)."""
    try:
        fd = os.open(path, flags | NOFOLLOW | os.O_NONBLOCK, mode)  # O_NONBLOCK: a FIFO must not hang us
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotARegularFile(f"{path} is a symbolic link: refused (links are never followed here)") from None
        raise
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise NotARegularFile(f"{path} is not a regular file: refused")
    os.set_blocking(fd, True)
    return fd


def read_regular(path: Path) -> bytes | None:
    """The bytes of a regular file (None if there is none); a link or a special file raises
    ``NotARegularFile``, other errors ``OSError``."""
    try:
        fd = open_regular(path)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as fh:
        return fh.read()


def own_mode(fd: int, mode: int) -> None:
    """Give a file this process created ``mode`` exactly (``open`` applied the umask to it); a file of
    another user is left as it is."""
    st = os.fstat(fd)
    if stat.S_IMODE(st.st_mode) != mode and st.st_uid == os.geteuid():
        os.fchmod(fd, mode)


def write_fully(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written (a short write on a full disk raises instead of
    leaving half of ``data`` behind silently)."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:
            raise OSError(errno.ENOSPC, "short write")
        view = view[n:]


def _cleanup(temps: Iterable[str]) -> None:
    for tmp in temps:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


_libc: Any = None


def syncfs(folder: Path) -> bool:
    """``syncfs(2)`` on the file system holding ``folder``: every file written there is durable on
    return. False where it is not available (then the caller fsyncs file by file)."""
    global _libc
    if _libc is None:
        try:
            import ctypes

            _libc = ctypes.CDLL(None, use_errno=True)
            _libc.syncfs.argtypes = [ctypes.c_int]
        except (OSError, AttributeError):
            _libc = False
    if not _libc:
        return False
    fd = os.open(folder, os.O_RDONLY)
    try:
        return bool(_libc.syncfs(fd) == 0)
    finally:
        os.close(fd)


MANY_FILES = 16  # from this many files on, one syncfs() instead of an fsync per file and per folder


def atomic_write_many(items: Iterable[tuple[Path, str | bytes]], mode: int = FILE_MODE,
                      ready: Callable[[], None] | None = None) -> None:
    """Several atomic writes with one sync round: all temp files are durable before any replace.
    A ``str`` is written as UTF-8. ``ready`` is called once every temp file is durable, just before
    the first replace: raising there writes nothing (the store checks its lock is still its own).

    Many files (an import adding thousands of texts) are made durable with one ``syncfs`` before the
    replaces and one after, instead of two fsyncs per file (0.3 ms each here).
    Each file on its own is old or new, never partial; a crash between two replaces
    can leave the first file new and the second old."""
    items = list(items)
    many = len(items) >= MANY_FILES
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in items:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), mode)  # mkstemp makes 0o600
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
                fh.flush()
                if not many:
                    os.fsync(fh.fileno())
        if many and not syncfs(items[0][0].parent):
            for tmp, _ in temps:
                fsync_path(tmp)
            many = False
        if ready is not None:
            ready()
        for tmp, path in temps:
            os.replace(tmp, path)
    except BaseException:
        _cleanup(tmp for tmp, _ in temps)
        raise
    if many:
        syncfs(items[0][0].parent)
        return
    for folder in dict.fromkeys(path.parent for _, path in temps):
        fsync_path(folder)


def atomic_write(path: Path, data: str | bytes, mode: int = FILE_MODE) -> None:
    """Write ``data`` to ``path``: the file is either old or new, never partial; durable on return."""
    atomic_write_many([(Path(path), data)], mode)


def atomic_stream(path: Path, write: Callable[[Any], T], mode: int = FILE_MODE, binary: bool = False) -> T:
    """Stream text (UTF-8, ``\\n`` line ends; bytes if ``binary``) through ``write(fh)`` into a temp file
    beside ``path``, fsync, then replace ``path``: old or complete, never partial. Returns what ``write``
    returned."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")) as fh:
            os.fchmod(fh.fileno(), mode)
            result = write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        _cleanup([tmp])
        raise
    fsync_path(folder)
    return result
