"""Every error a user can act on, in one hierarchy. ``str(error)`` is one line that says what to do.

The CLI and the app catch ``ClaimtagError`` and show its message; anything else is a bug.
"""

from __future__ import annotations

from pathlib import Path


class ClaimtagError(Exception):
    """A problem a user can act on; the message is one line."""


class StoreError(ClaimtagError):
    """The store cannot do what was asked (locked, missing text, a refused claim, a file it cannot write)."""


class CorruptStoreFile(StoreError):
    """A store file that does not parse: it is named, a copy of it is kept, and it is never overwritten."""

    def __init__(self, path: Path, reason: str, copy: Path | None):
        kept = f"; a copy is kept at {copy}" if copy else ""
        super().__init__(f"store file {path} is unreadable ({reason}); it was left untouched{kept}")
        self.path = path


class StoreWriteError(StoreError):
    """The store's files cannot be written (a full disk, a read-only folder, no permission): nothing
    of the change was saved."""


class BadRecord(StoreError):
    """A stored record of the wrong shape (a hand edit): named and left out, never a crash."""


class SchemaError(ClaimtagError):
    """A schema problem a user can fix; ``str(e)`` is ``FILE:LINE: problem``."""


class RefusedInput(ClaimtagError):
    """One input item (an imported line, an article file) is refused; ``str(e)`` is the reason.

    ``line``: the line of the file it came from, when the refusing code knows it."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.reason, self.line = reason, line


class ExportError(StoreError):
    """A span that does not match its text: the export stops rather than write it."""


class EditRefused(ClaimtagError):
    """An edit the annotation rules do not allow (said on the status line; nothing is saved)."""
