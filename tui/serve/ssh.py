"""``claimtag serve --ssh [HOST:]PORT``: an SSH server that owns the store.

- Only public-key authentication, against the users file (``annotations/users.py``): the key decides the
  name and role; the user name the client asks for must be that name (``ssh alice@host``), else the
  key is refused for it. Passwords and keyboard-interactive are off; unknown keys are refused.
- The host key is made on the first start, kept in the store folder (``ssh_host_ed25519_key``, mode 0600)
  and its fingerprint printed, so users can check it the first time they connect.
- Binds 127.0.0.1 unless another address is given.
- Each session is the app in a child process on a pseudo-terminal (``session.py``).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

import asyncssh

from annotations.errors import ClaimtagError
from annotations.users import User, key_fingerprint, load_users

from .session import LIVE, AppSession

HOST_KEY = "ssh_host_ed25519_key"


class ServeError(ClaimtagError):
    pass


def parse_address(text: str) -> tuple[str, int]:
    """``[HOST:]PORT`` -> (host, port); 127.0.0.1 unless a host is given."""
    host, _, port = text.rpartition(":")
    try:
        number = int(port)
    except ValueError:
        raise ServeError(f"{text!r} is not [HOST:]PORT") from None
    if not 0 <= number <= 65535:
        raise ServeError(f"port {number} is out of range")
    return host.strip("[]") or "127.0.0.1", number


def host_key(store: Path) -> asyncssh.SSHKey:
    """The server's key, made on the first start (mode 0600, never replaced)."""
    path = store / HOST_KEY
    if not path.exists():
        key = asyncssh.generate_private_key("ssh-ed25519")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key.export_private_key())
    if path.is_symlink() or (path.stat().st_mode & 0o077):
        raise ServeError(f"{path}: the host key must be a file only its owner can read (chmod 600)")
    return asyncssh.read_private_key(str(path))


class Server(asyncssh.SSHServer):
    def __init__(self, users: dict[bytes, User], store: Path, schema: Path | None, cwd: Path):
        self.users, self.store, self.schema, self.cwd = users, store, schema, cwd
        self.user: User | None = None
        self.asked = ""

    def begin_auth(self, username: str) -> bool:
        self.asked = username
        return True  # every connection authenticates

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        user = self.users.get(key.public_data)
        if user is None or user.name != username:  # unknown key, or a known key asking for another name
            return False
        self.user = user
        return True

    def session_requested(self) -> Any:
        if self.user is None:
            return False
        return AppSession(self.user, self.store, self.schema, self.cwd)


async def serve(address: str, store: Path, users_file: Path, schema: Path | None) -> None:
    host, port = parse_address(address)
    users = load_users(users_file)
    key = host_key(store)
    cwd = Path.cwd()
    server = await asyncssh.create_server(
        lambda: Server(users, store, schema, cwd), host, port, server_host_keys=[key], encoding=None,
        allow_scp=False, agent_forwarding=False, x11_forwarding=False, line_editor=False)
    bound = server.sockets[0].getsockname()
    print(f"claimtag: serving {store} over SSH on {bound[0]}:{bound[1]} to {len(users)} key(s) "
          f"of {len({u.name for u in users.values()})} user(s)", flush=True)
    print(f"claimtag: host key {key_fingerprint(key.public_data)} (users can check it on first connect)",
          flush=True)
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        asyncio.get_running_loop().add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    await stop
    server.close()
    for session in list(LIVE):  # every app saves and exits, as when its terminal goes away
        session.hang_up()
    await asyncio.sleep(0.5)
    print("claimtag: stopped", flush=True)


def run_serve(address: str, store: Path, users_file: Path, schema: Path | None) -> int:
    try:
        asyncio.run(serve(address, store, users_file, schema))
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        print(f"claimtag serve: cannot listen on {address}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0
