"""SSH capacity benchmark (issue 10, section 3): `claimtag serve --ssh` on loopback with N scripted
clients at once (asyncssh clients with a pty), each opening an article and then pressing a key every
300 ms (a human pace: j j j then a tag, repeated), each starting at its own moment within the first 300 ms
(clients pressing keys in the same millisecond would measure a queue no team makes). Reports per N: key -> first screen bytes back at the
client p50 / p95, server + session RSS per session, CPU used by the sessions during the keys (of 2 cores).
Prints figures, asserts nothing. Run alone: .venv/bin/python bench/bench_ssh.py [N ...]
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CLAIMTAG = str(Path(sys.executable).with_name("claimtag"))
KEYS_PER_CLIENT = 24
PACE = 0.3  # seconds between keys
COUNTS = (1, 10, 30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError):
        return 0.0


class Client:
    def __init__(self, name: str, key: asyncssh.SSHKey, port: int):
        self.name, self.key, self.port = name, key, port
        self.buffer = bytearray()
        self.arrived = asyncio.Event()
        self.latencies: list[float] = []
        self.offset = random.Random(name).uniform(0, PACE)

    async def run(self, ready: asyncio.Event, go: asyncio.Event, finished: asyncio.Event, leave: asyncio.Event) -> None:
        async with asyncssh.connect("127.0.0.1", self.port, username=self.name, client_keys=[self.key],
                                    known_hosts=None) as conn:
            proc = await conn.create_process(term_type="xterm-256color", term_size=(80, 24), encoding=None)
            reader = asyncio.create_task(self._read(proc))
            await self._wait_for(b"articles", 60)
            proc.stdin.write(b"\r")  # open the first article
            await self._wait_for(b"tag", 30)
            ready.set()
            await go.wait()
            # people do not type in step: each client starts at its own moment within the first 300 ms
            await asyncio.sleep(self.offset)
            for k in range(KEYS_PER_CLIENT):
                key = b"1" if k % 4 == 3 and not os.environ.get("BENCH_SSH_MOVES_ONLY") else b"j"
                self.arrived.clear()
                t = time.perf_counter()
                proc.stdin.write(key)
                try:
                    await asyncio.wait_for(self.arrived.wait(), 10)
                    self.latencies.append(time.perf_counter() - t)
                except asyncio.TimeoutError:
                    self.latencies.append(10.0)
                await asyncio.sleep(max(0.0, PACE - (time.perf_counter() - t)))
            finished.set()
            await leave.wait()  # the CPU is read while every session is still there
            proc.stdin.write(b"q")
            await asyncio.sleep(0.5)
            reader.cancel()

    async def _read(self, proc: asyncssh.SSHClientProcess) -> None:
        while True:
            data = await proc.stdout.read(65536)
            if not data:
                return
            self.buffer += data
            self.arrived.set()

    async def _wait_for(self, text: bytes, timeout: float) -> None:
        end = time.monotonic() + timeout
        while text not in self.buffer:
            if time.monotonic() > end:
                raise TimeoutError(f"{self.name}: {text!r} not on screen")
            await asyncio.sleep(0.05)
        self.buffer.clear()


async def one_count(n: int, keys: dict[str, asyncssh.SSHKey], port: int, server_pid: int) -> tuple[str, str, str]:
    clients = [Client(f"user{i:02d}", keys[f"user{i:02d}"], port) for i in range(n)]
    readies = [asyncio.Event() for _ in clients]
    finished = [asyncio.Event() for _ in clients]
    go, leave = asyncio.Event(), asyncio.Event()
    t0 = time.perf_counter()
    tasks = [asyncio.create_task(c.run(r, go, f, leave)) for c, r, f in zip(clients, readies, finished)]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 300)
    logged_in = time.perf_counter() - t0
    sessions = children_of(server_pid)
    rss = rss_kb(server_pid) + sum(rss_kb(p) for p in sessions)
    cpu0 = sum(cpu_seconds(p) for p in sessions) + cpu_seconds(server_pid)
    t1 = time.perf_counter()
    go.set()
    await asyncio.gather(*(f.wait() for f in finished))
    wall = time.perf_counter() - t1
    cpu = cpu_seconds(server_pid) + sum(cpu_seconds(p) for p in sessions) - cpu0
    leave.set()
    await asyncio.gather(*tasks)
    lat = sorted(x for c in clients for x in c.latencies)
    p50, p95 = statistics.median(lat) * 1000, lat[int(len(lat) * 0.95) - 1 if len(lat) > 1 else 0] * 1000
    return (f"{n} concurrent SSH sessions: key -> screen p50 / p95 ({len(lat)} keys)", f"{p50:.1f} / {p95:.1f} ms",
            f"target p95 <= 100 ms at 30; all logged in after {logged_in:.1f} s; "
            f"RSS {rss / 1024 / n:.0f} MB per session (server included); CPU {cpu / wall * 100:.0f}% of one core")


def main(argv: list[str]) -> int:
    counts = tuple(int(a) for a in argv) or COUNTS
    work = Path(tempfile.mkdtemp(prefix="claimtag-bench-ssh-"))
    server = None
    try:
        store = work / "store"
        subprocess.run([CLAIMTAG, "add", "--store", str(store), str(ROOT / "seeds")], check=True, capture_output=True)
        keys = {f"user{i:02d}": asyncssh.generate_private_key("ssh-ed25519") for i in range(max(counts))}
        (store / "users").write_text("".join(
            f"{name} annotator {key.export_public_key().decode().split()[0]} "
            f"{key.export_public_key().decode().split()[1]}\n" for name, key in keys.items()))
        port = free_port()
        log = open(work / "serve.log", "w")
        server = subprocess.Popen([CLAIMTAG, "serve", "--ssh", f"127.0.0.1:{port}", "--store", str(store)],
                                  stdout=log, stderr=subprocess.STDOUT, cwd=work)
        end = time.monotonic() + 30
        while "host key" not in (work / "serve.log").read_text() and time.monotonic() < end:
            time.sleep(0.1)
        rows = []
        for n in counts:
            rows.append(asyncio.run(one_count(n, keys, port, server.pid)))
            time.sleep(2)  # the sessions of the last round exit
        print(f"ssh capacity benchmark ({os.cpu_count()} CPUs; a key every {PACE * 1000:.0f} ms per client, "
              f"{KEYS_PER_CLIENT} keys each: j j j 1 ...)")
        for row in rows:
            print(f"  {row[0]}: {row[1]}  ({row[2]})")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
