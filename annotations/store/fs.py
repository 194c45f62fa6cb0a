"""How the store touches the file system: never through a link, always with the store's own modes.

Several UNIX accounts may share a store folder, and any of them can plant a symbolic link in it. So:
- every folder inside the store is checked with ``lstat`` before it is used (a link or a non-folder is
  refused with ``UnsafeStore``); missing folders are made with the store's folder mode;
- every file is opened with ``O_NOFOLLOW`` and checked to be a regular file on the open descriptor
  (``fileio.open_regular``); temp files are made with ``O_EXCL`` (``mkstemp``), and ``os.replace``
  replaces a planted link itself, never its target;
- nothing is ever copied from a file that was not read that way.

Modes: the store's root folder decides. Folders get its mode (``claimtag init --shared GROUP`` makes it
``2770``: setgid, so every file inherits the group), files get that mode without the execute bits,
whatever the umask of the member who writes. Nothing is ever world-writable.
"""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path

from ..errors import StoreError, StoreWriteError
from ..fileio import open_regular, own_mode, read_regular, write_fully

SUBFOLDERS = ("corpus", "claims", "states", "review", "texts", "log", "cache", "cache/sentences")


class UnsafeStore(StoreError):
    """A store folder that is a link or not a folder: someone planted it; nothing is written through it."""


def write_error(exc: OSError, path: Path) -> StoreWriteError:
    """The one message for a store file that cannot be written (permission, full disk, read-only)."""
    if isinstance(exc, PermissionError):
        return StoreWriteError(f"cannot write to the store: permission denied on {path} "
                               "(a store shared by a group is made with: claimtag init --shared GROUP)")
    return StoreWriteError(f"cannot write to the store: {path}: {exc.strerror or exc}")


class StoreFS:
    """The file-system rules of one store folder (see the module docstring)."""

    def __init__(self, root: Path):
        self.root = root
        mode = stat.S_IMODE(os.stat(root).st_mode)
        self.dir_mode = mode & 0o2775  # no sticky bit, never world-writable
        self.file_mode = mode & 0o664

    @property
    def shared(self) -> bool:
        return bool(self.dir_mode & 0o020)

    def folder(self, rel: str | Path) -> Path:
        """``root/rel``, each part checked not to be a link (made with the store's mode if missing)."""
        path = self.root
        for part in Path(rel).parts:
            path = path / part
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                try:
                    os.mkdir(path, self.dir_mode)
                    os.chmod(path, self.dir_mode)  # whatever the umask; keeps setgid
                except FileExistsError:
                    pass
                except OSError as exc:
                    raise write_error(exc, path) from None
                st = os.lstat(path)
            _must_be_folder(path, st)
        return path

    def parent(self, path: Path) -> Path:
        """Check (make) the folder of a file inside the store; returns ``path``."""
        self.folder(path.parent.relative_to(self.root))
        return path

    def read(self, path: Path) -> bytes | None:
        """A store file's bytes (None if missing); a link or special file raises ``NotARegularFile``."""
        return read_regular(path)

    def append(self, path: Path, data: bytes, durable: bool = True) -> None:
        """Append ``data`` to a store file in one ``O_APPEND`` write, durably (fsync) unless told. If the file does
        not end with a line break (a write cut short by a crash or a full disk), one is put first, so a
        torn line never glues onto the next one."""
        try:
            fd = open_regular(self.parent(path), os.O_RDWR | os.O_CREAT | os.O_APPEND, self.file_mode)
        except OSError as exc:
            raise write_error(exc, path) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # appenders of one file in turn: the last byte is settled when read
            own_mode(fd, self.file_mode)
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data
            write_fully(fd, data)
            if durable:
                os.fsync(fd)
        except OSError as exc:
            raise write_error(exc, path) from None
        finally:
            os.close(fd)

    def check_layout(self) -> None:
        """Refuse a store whose subfolders are links (checked when the store is opened; nothing is made)."""
        for name in SUBFOLDERS:
            try:
                st = os.lstat(self.root / name)
            except FileNotFoundError:
                continue
            _must_be_folder(self.root / name, st)


def _must_be_folder(path: Path, st: os.stat_result) -> None:
    if stat.S_ISLNK(st.st_mode):
        raise UnsafeStore(f"store folder {path} is a symbolic link: refused (links inside a store are never "
                          "followed; remove it)")
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafeStore(f"store folder {path} is not a folder: refused")
