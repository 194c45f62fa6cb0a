"""One SSH session: the claimtag app in a child process on a pseudo-terminal, bridged to the channel.

Why a process per session (not an app per session in the server's process): a crash, a hang or a
memory leak in one session cannot touch the others or the server; each child has its own terminal
size, TERM and garbage collector; and the app needs nothing special to run there, it is the same
``claimtag`` an annotator runs in a terminal. The cost is a Python start-up per login (~0.4 s) and
~40-60 MB per session; see ARCHITECTURE.md.

The child's identity comes from the server (``--annotator`` from the users file, ``--review`` from
the role) and ``CLAIMTAG_SSH_IDENTITY`` (name and key fingerprint, recorded in the change log); nothing
the client sends chooses it. Only ``NO_COLOR`` and ``COLORTERM`` of the client's environment requests
are passed on, and TERM from its terminal request.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pty
import signal
import struct
import sys
import termios
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import asyncssh

from annotations.users import User

PASSED_ENV = ("NO_COLOR", "COLORTERM")  # what a client's environment requests may set
SERVER_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "USER", "LOGNAME", "VIRTUAL_ENV", "PYTHONPATH")
NO_TERMINAL = "claimtag needs a terminal: connect with ssh -t (or from a terminal)\r\n"
LIVE: set[AppSession] = set()  # sessions with a running app: hung up when the server stops


def _winsize(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", max(rows, 1), max(cols, 1), 0, 0))


def _controlling_terminal() -> None:  # in the child, before exec: the pty becomes its terminal
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class AppSession(asyncssh.SSHServerSession):  # type: ignore[type-arg]
    def __init__(self, user: User, store: Path, schema: Path | None, cwd: Path):
        self.user, self.store, self.schema, self.cwd = user, store, schema, cwd
        self._chan: Any = None
        self._term: tuple[str, int, int] | None = None  # TERM, columns, rows
        self._master: int | None = None
        self._proc: asyncio.subprocess.Process | None = None
        self._gone = False  # the client is gone: the app's output is drained, not sent

    # -- asyncssh callbacks ----------------------------------------------------------------------

    def connection_made(self, chan: Any) -> None:
        self._chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Mapping[int, int]) -> bool:
        cols, rows = term_size[0] or 80, term_size[1] or 24
        self._term = (term_type or "xterm-256color", cols, rows)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        return True  # answered in session_started: the app is the only thing served

    def subsystem_requested(self, subsystem: str) -> bool:
        return False  # no sftp: the store is the server's alone

    def session_started(self) -> None:
        if self._term is None:
            self._chan.write(NO_TERMINAL.encode())
            self._chan.exit(1)
            return
        asyncio.get_event_loop().create_task(self._start())

    def data_received(self, data: bytes, datatype: Any) -> None:
        if self._master is not None:
            with contextlib.suppress(OSError):
                os.write(self._master, data)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        if self._master is not None:
            _winsize(self._master, width, height)  # the kernel sends the child SIGWINCH

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        """The client went away: the app gets SIGHUP, as from a terminal that closed (it saves and exits)."""
        self.hang_up()

    def hang_up(self) -> None:
        self._gone = True
        if self._proc is not None and self._proc.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._proc.pid, signal.SIGHUP)
        LIVE.discard(self)

    # -- the child ---------------------------------------------------------------------------------

    def _env(self) -> dict[str, str]:
        assert self._term is not None
        # the server's own environment only where it is about the machine: COLUMNS/LINES would override the
        # session's terminal size, CLAIMTAG_* its identity
        env = {k: v for k, v in os.environ.items() if k in SERVER_ENV or k.startswith("LC_")}
        env["TERM"] = self._term[0]
        sent = self._chan.get_environment() or {}
        env.update({k: str(v) for k, v in sent.items() if k in PASSED_ENV})
        env["CLAIMTAG_SSH_IDENTITY"] = f"{self.user.name} {self.user.fingerprint}"
        return env

    def _argv(self) -> list[str]:
        argv = [sys.executable, "-m", "tui.main", "--store", str(self.store), "--annotator", self.user.name]
        if self.schema is not None:
            argv += ["--schema", str(self.schema)]
        if self.user.role == "reviewer":
            argv.append("--review")
        return argv

    async def _start(self) -> None:
        assert self._term is not None
        master, slave = pty.openpty()
        _winsize(slave, self._term[1], self._term[2])
        try:
            self._proc = await asyncio.create_subprocess_exec(
                *self._argv(), stdin=slave, stdout=slave, stderr=slave, cwd=self.cwd, env=self._env(),
                preexec_fn=_controlling_terminal)
        except OSError as exc:
            os.close(master)
            os.close(slave)
            self._chan.write(f"claimtag: cannot start the app: {exc}\r\n".encode())
            self._chan.exit(1)
            return
        os.close(slave)
        self._master = master
        LIVE.add(self)
        loop = asyncio.get_event_loop()
        done = loop.create_future()

        def readable() -> None:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            if not data:  # the child closed its terminal (it exited)
                loop.remove_reader(master)
                if not done.done():
                    done.set_result(None)
                return
            if not self._gone:
                try:
                    self._chan.write(data)
                except Exception:  # the channel closed under us: from now on the output is drained, unread
                    self._gone = True
            # after a hang-up the output is still read (and dropped): an app whose terminal stops being read
            # blocks in its next write, and would never finish saving and exiting

        loop.add_reader(master, readable)
        await done
        code = await self._proc.wait()
        LIVE.discard(self)
        self._master = None
        os.close(master)
        with contextlib.suppress(Exception):
            self._chan.exit(code if code >= 0 else 128 - code)
