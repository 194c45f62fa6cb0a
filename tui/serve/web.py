"""``claimtag serve --web [HOST:]PORT``: the app in a browser (textual-serve), behind a secret link per user.

textual-serve has no authentication of its own, so this server adds it:

- Each user of the users file (the SSH one: names and roles) gets a secret token, made on the first start
  and kept in ``STORE/web-tokens.json`` (mode 0600); the server prints each user's link
  (``http://HOST:PORT/?token=...``) for the operator to hand out. Delete a line to revoke a token.
- Opening the link checks the token (constant-time) and sets an HttpOnly, SameSite=Strict cookie; the
  page's websocket is accepted only with that cookie and an Origin of this server (no other site can
  drive a session). Without a valid token: 403, nothing served.
- Each websocket runs the app as that user (``--annotator NAME``, ``--review`` for a reviewer), with
  ``CLAIMTAG_SSH_IDENTITY`` = "NAME web" recorded in the change log. Nothing the browser sends chooses it.
- Binds 127.0.0.1 unless another address is given (put it behind HTTPS to expose it).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import os
import secrets
import shlex
import sys
from pathlib import Path
from typing import Any

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from annotations.users import User

from .ssh import ServeError, parse_address

TOKENS = "web-tokens.json"
COOKIE = "claimtag_session"


def web_tokens(store: Path, users: dict[bytes, User]) -> dict[str, User]:
    """token -> user, made for every user name that has none yet (kept in STORE/web-tokens.json, 0600)."""
    path = store / TOKENS
    by_name = {u.name: u for u in users.values()}
    saved: dict[str, str] = {}
    if path.exists():
        if path.is_symlink() or path.stat().st_mode & 0o077:
            raise ServeError(f"{path}: the token file must be a file only its owner can read (chmod 600)")
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ServeError(f"{path}: unreadable ({exc}); delete it to make new tokens") from None
    named = {name for name in saved.values()}
    changed = False
    for name in sorted(by_name):
        if name not in named:
            saved[secrets.token_urlsafe(24)] = name
            changed = True
    if changed:
        tmp = path.with_name(f".{TOKENS}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(saved, out, indent=1)
        os.replace(tmp, path)
    return {token: by_name[name] for token, name in saved.items() if name in by_name}


class WebServer(Server):
    def __init__(self, host: str, port: int, tokens: dict[str, User], store: Path, schema: Path | None):
        super().__init__("claimtag", host=host, port=port, title="claimtag")
        self.tokens, self.store, self.schema = tokens, store, schema

    def user_of(self, token: str | None) -> User | None:
        if not token:
            return None
        for known, user in self.tokens.items():  # every token compared: no timing tells which one is close
            if hmac.compare_digest(known.encode(), token.encode()):
                return user
        return None

    async def handle_index(self, request: web.Request) -> Any:  # type: ignore[override]
        token = request.query.get("token") or request.cookies.get(COOKIE)
        if self.user_of(token) is None:
            return web.Response(status=403, text="claimtag: this link is not valid (ask for your own link)\n")
        response: web.StreamResponse = await Server.handle_index(self, request)
        response.set_cookie(COOKIE, str(token), httponly=True, samesite="Strict", max_age=30 * 24 * 3600)
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's websocket handler, with the user checked first and the app started as them."""
        user = self.user_of(request.cookies.get(COOKIE))
        origin = request.headers.get("Origin", "")
        if user is None or origin.rstrip("/") != self.public_url.rstrip("/"):
            raise web.HTTPForbidden(text="claimtag: not signed in from this server")
        argv = [sys.executable, "-m", "tui.main", "--store", str(self.store), "--annotator", user.name]
        if self.schema is not None:
            argv += ["--schema", str(self.schema)]
        if user.role == "reviewer":
            argv.append("--review")
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        service: UserAppService | None = None
        try:
            await websocket.prepare(request)
            service = UserAppService(" ".join(shlex.quote(a) for a in argv), f"{user.name} web",
                                     write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                                     close=websocket.close, download_manager=self.download_manager, debug=False)
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        finally:
            if service is not None:
                await service.stop()
        return websocket


class UserAppService(AppService):
    """textual-serve's app process, with the environment the server decides (not the server's CLAIMTAG_*)."""

    def __init__(self, command: str, identity: str, **kwargs: Any):
        super().__init__(command, **kwargs)
        self.identity = identity

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = {k: v for k, v in super()._build_environment(width, height).items() if not k.startswith("CLAIMTAG_")}
        env["CLAIMTAG_SSH_IDENTITY"] = self.identity
        return env


def run_web(address: str, store: Path, users: dict[bytes, User], schema: Path | None) -> int:
    host, port = parse_address(address)
    tokens = web_tokens(store, users)
    server = WebServer(host, port, tokens, store, schema)
    print(f"claimtag: serving {store} in the browser on {server.public_url}", flush=True)
    for token, user in sorted(tokens.items(), key=lambda tu: tu[1].name):
        print(f"claimtag: {user.name} ({user.role}): {server.public_url}/?token={token}", flush=True)
    server.serve()
    return 0
