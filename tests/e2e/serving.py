"""What the `claimtag serve` tests share: a store with the seeds and a users file, the server started on a
free loopback port with its output in a file (a pipe nobody reads would stall it), waited for, stopped."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from tests.e2e.test_tmux import CLAIMTAG, ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """``claimtag serve --MODE 127.0.0.1:PORT`` over a fresh store of the seeds with ``users`` as its users file."""

    def __init__(self, root: Path, mode: str, users: str):
        self.root = root
        self.store = root / "store"
        subprocess.run([str(CLAIMTAG), "add", "--store", str(self.store), str(ROOT / "seeds")], check=True,
                       capture_output=True, cwd=root)
        (self.store / "users").write_text(users)
        self.port = free_port()
        self.log = root / f"serve-{mode}.log"
        with open(self.log, "w") as out:
            self.server = subprocess.Popen([str(CLAIMTAG), "serve", f"--{mode}", f"127.0.0.1:{self.port}",
                                            "--store", str(self.store)], cwd=root, stdout=out, stderr=subprocess.STDOUT)

    def wait_until(self, ready: Callable[[str], bool], timeout: float = 30) -> str:
        """What the server said once ``ready(said)`` (or the time is up, or it exited)."""
        end = time.monotonic() + timeout
        while not ready(self.log.read_text()) and time.monotonic() < end and self.server.poll() is None:
            time.sleep(0.1)
        return self.log.read_text()

    def close(self) -> None:
        self.server.terminate()
        self.server.wait(timeout=10)
