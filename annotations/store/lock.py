"""The store's bucket locks: one lock file, one byte per bucket, locked with ``fcntl`` (POSIX record
locks), and a thread lock per bucket (record locks belong to a process, not a thread).

Why not a lock file per bucket (``filelock``)? A group member who deletes ``locks/XX.lock`` while
others save lets two writers hold "the" lock at once (one on the deleted file, one on a new one), and
saves are lost silently. Here the lock file is ``STORE/claimtag-store.lock``; a writer checks that
the path still names the file it locked, both when it takes the lock and again just before it
replaces any file (``verify``, called by the atomic write once its temp files are durable). If the
file was deleted or replaced, taking the lock starts again on the new file, and a change already
under way is refused (``LockLost``: nothing written, the caller is told). ``claimtag check`` finds
any change that was acknowledged but is missing from the buckets anyway, from the change log.

The file is opened once per process and never closed while any lock is held: closing any descriptor
of a file drops every record lock the process holds on it.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import StoreError
from ..fileio import open_regular, own_mode
from .fs import write_error

LOCK_FILE = "claimtag-store.lock"


class LockLost(StoreError):
    """The lock file was deleted or replaced while a change was being written: the change was not saved."""


class LockFile:
    def __init__(self, path: Path, mode: int):
        self.path, self.mode = path, mode
        self.fd: int | None = None
        self.mutex = threading.Lock()
        self.threads: dict[int, threading.Lock] = {}

    def thread_lock(self, index: int) -> threading.Lock:
        with self.mutex:
            return self.threads.setdefault(index, threading.Lock())

    def current_fd(self) -> int:
        """The descriptor of the file the path names now (reopened if it was deleted or replaced)."""
        with self.mutex:
            if self.fd is not None and not self._still_named(self.fd):
                self.fd = None  # left open on purpose: see the module docstring
            if self.fd is None:
                try:
                    self.fd = open_regular(self.path, os.O_RDWR | os.O_CREAT, self.mode)
                except OSError as exc:
                    raise write_error(exc, self.path) from None
                own_mode(self.fd, self.mode)
            return self.fd

    def _still_named(self, fd: int) -> bool:
        try:
            st, mine = os.lstat(self.path), os.fstat(fd)
        except FileNotFoundError:
            return False
        return (st.st_ino, st.st_dev) == (mine.st_ino, mine.st_dev) and mine.st_nlink > 0


_FILES: dict[str, LockFile] = {}
_FILES_MUTEX = threading.Lock()


def lock_file(root: Path, mode: int) -> LockFile:
    """The process's one ``LockFile`` of the store at ``root`` (by real path: two ``Store`` objects of one
    folder must share it, or closing one descriptor would drop the other's locks)."""
    path = root / LOCK_FILE
    key = os.path.realpath(root)
    with _FILES_MUTEX:
        found = _FILES.get(key)
        if found is None:
            found = _FILES[key] = LockFile(path, mode)
        return found


@contextmanager
def bucket_lock(lf: LockFile, index: int, timeout: float) -> Iterator[Callable[[], None]]:
    """Hold bucket ``index``'s lock (0..255); yields ``verify()``, which raises ``LockLost`` if the lock
    file is no longer the one locked. Raises ``StoreError`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    thread_lock = lf.thread_lock(index)
    if not thread_lock.acquire(timeout=timeout):
        raise StoreError(f"store bucket {index:02x} stayed locked for {timeout:.0f} s (another claimtag stuck?)")
    try:
        fd = _acquire(lf, index, deadline, timeout)
        try:
            def verify() -> None:
                if not lf._still_named(fd):
                    raise LockLost(f"the store's lock file {lf.path} was deleted or replaced during this change: "
                                   "it was not saved (try again)")
            yield verify
        finally:
            fcntl.lockf(fd, fcntl.LOCK_UN, 1, index, os.SEEK_SET)
    finally:
        thread_lock.release()


def _acquire(lf: LockFile, index: int, deadline: float, timeout: float) -> int:
    pause = 0.0005
    while True:
        fd = lf.current_fd()
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, index, os.SEEK_SET)
        except OSError:  # EAGAIN / EACCES: another process holds it
            if time.monotonic() > deadline:
                raise StoreError(f"store bucket {index:02x} stayed locked for {timeout:.0f} s "
                                 "(another claimtag stuck?)") from None
            time.sleep(pause)
            pause = min(pause * 2, 0.01)
            continue
        if lf._still_named(fd):
            return fd
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, index, os.SEEK_SET)  # locked a deleted file: start again
