"""Making a store folder, and where the store is by default."""

from __future__ import annotations

import grp
import json
import os
from pathlib import Path

from ..errors import StoreError
from ..fileio import atomic_write, open_regular, own_mode
from ..models import now_iso
from .fs import SUBFOLDERS, StoreFS
from .lock import LOCK_FILE

STORE_SCHEMA_VERSION = 1
STORE_MARKER = "claimtag-store.json"


def default_store_dir(project: Path | None = None) -> Path:
    """``$CLAIMTAG_STORE``, else ``.claimtag/`` in the project folder (the current one)."""
    env = os.environ.get("CLAIMTAG_STORE")
    if env:
        return Path(env)
    return (project or Path.cwd()) / ".claimtag"


def create_store(root: Path, group: str | None = None) -> None:
    """Make a store folder. ``group``: shared by that UNIX group whatever each member's umask: the
    folder is ``2770`` (setgid: every file inherits the group) and every file and folder the store
    makes later gets the same mode (``fs.StoreFS``). Safe if several processes create it at once."""
    if os.path.lexists(root) and not root.is_dir():
        raise StoreError(f"store path {root} is not a folder")
    try:
        root.mkdir(parents=True, exist_ok=True)
        if group is not None:
            try:
                gid = grp.getgrnam(group).gr_gid
            except KeyError:
                raise StoreError(f"no such UNIX group: {group}") from None
            os.chown(root, -1, gid)
            os.chmod(root, 0o2770)
        fs = StoreFS(root)
        for name in SUBFOLDERS:
            fs.folder(name)
        marker = root / STORE_MARKER
        if not os.path.lexists(marker):
            record = {"schema_version": STORE_SCHEMA_VERSION, "created": now_iso(),
                      **({"shared_group": group} if group else {})}
            atomic_write(marker, json.dumps(record, indent=2) + "\n", fs.file_mode)
        lock = root / LOCK_FILE
        if not os.path.lexists(lock):
            fd = open_regular(lock, os.O_WRONLY | os.O_CREAT, fs.file_mode)
            own_mode(fd, fs.file_mode)
            os.close(fd)
    except PermissionError as exc:
        raise StoreError(f"cannot create the store at {root}: permission denied ({exc.filename})") from None
