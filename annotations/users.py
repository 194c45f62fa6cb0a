"""Who may connect to ``claimtag serve`` and as whom: the users file.

One line per key, like OpenSSH's ``authorized_keys`` with a name and a role in front::

    # name   role       key type     key (base64)                     comment
    alice    annotator  ssh-ed25519  AAAAC3NzaC1lZDI1NTE5AAAAI...      alice@laptop
    lead     reviewer   ssh-ed25519  AAAAC3NzaC1lZDI1NTE5AAAAI...

The key a client authenticates with decides the name it works under and its role: the name is never
taken from the client. A key may appear once; a name may have several keys (one role). Problems are
refused with FILE:LINE before the server starts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from pathlib import Path

from .errors import ClaimtagError, RefusedInput
from .models import GOLD
from .text.fields import MAX_NAME, ident

ROLES = ("annotator", "reviewer")
KEY_TYPES = ("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
             "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com")


class UsersFileError(ClaimtagError):
    pass


@dataclass(frozen=True)
class User:
    name: str
    role: str
    key_type: str
    key: bytes  # the public key blob (what the client proves it holds the private half of)

    @property
    def fingerprint(self) -> str:
        return key_fingerprint(self.key)


def key_fingerprint(blob: bytes) -> str:
    """OpenSSH's ``SHA256:...`` fingerprint of a public key blob (what ``ssh-keygen -l`` prints)."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def parse_users(text: str, source: str) -> dict[bytes, User]:
    users: dict[bytes, User] = {}
    roles: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        where = f"{source}:{number}"
        if len(fields) < 4:
            raise UsersFileError(f"{where}: expected: NAME ROLE KEY-TYPE KEY [COMMENT]")
        name, role, key_type, key_text = fields[:4]
        try:
            name = ident(name, "user name", MAX_NAME)
        except RefusedInput as exc:
            raise UsersFileError(f"{where}: {exc}") from None
        if name == GOLD:
            raise UsersFileError(f"{where}: {GOLD!r} is the reviewers' layer, not a user name")
        if role not in ROLES:
            raise UsersFileError(f"{where}: role {role[:20]!r} is not one of {', '.join(ROLES)}")
        if key_type not in KEY_TYPES:
            raise UsersFileError(f"{where}: key type {key_type[:40]!r} is not one of {', '.join(KEY_TYPES)}")
        try:
            blob = base64.b64decode(key_text, validate=True)
        except (binascii.Error, ValueError):
            raise UsersFileError(f"{where}: the key is not base64 (copy the line of a .pub file)") from None
        if not blob.startswith(len(key_type).to_bytes(4, "big") + key_type.encode()):
            raise UsersFileError(f"{where}: the key is not a {key_type} key")
        if blob in users:
            raise UsersFileError(f"{where}: this key is already {users[blob].name}'s: one key, one name")
        if roles.setdefault(name, role) != role:
            raise UsersFileError(f"{where}: {name} is already a {roles[name]} (one role per name)")
        users[blob] = User(name, role, key_type, blob)
    return users


def load_users(path: Path) -> dict[bytes, User]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsersFileError(f"{path}: no users file (one line per key: NAME ROLE KEY-TYPE KEY)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsersFileError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    users = parse_users(text, str(path))
    if not users:
        raise UsersFileError(f"{path}: no user in it: nobody could connect")
    return users
