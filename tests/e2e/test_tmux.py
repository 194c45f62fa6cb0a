"""End to end, as a person would: the real `claimtag` command in a tmux pane, keys typed,
then the claim found in `claimtag export`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

ROOT = Path(__file__).resolve().parents[2]
CLAIMTAG = Path(sys.executable).parent / "claimtag"


class Pane:
    def __init__(self, command: list[str], size=(100, 30), env: dict[str, str] | None = None,
                 cwd: Path | None = None):
        self.socket = f"claimtag-test-{uuid.uuid4().hex[:8]}"
        cols, rows = size
        envs = [f"{k}={v}" for k, v in (env or {}).items()]
        where = ["-c", str(cwd)] if cwd is not None else []
        self.tmux("new-session", "-d", "-s", "t", *where, "-x", str(cols), "-y", str(rows),
                  "env", "TERM=xterm-256color", *envs, *command)

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args],
                              capture_output=True, text=True, timeout=20).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-t", "t", "-p")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def wait_for(self, text: str, timeout: float = 20) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} not on screen after {timeout}s:\n{self.screen()}")

    def gone(self, timeout: float = 10) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if subprocess.run(["tmux", "-L", self.socket, "has-session", "-t", "t"],
                              capture_output=True).returncode != 0:
                return True
            time.sleep(0.2)
        return False

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def test_tag_a_claim_in_the_real_app_and_export_it(tmp_path):
    store = tmp_path / "store"
    env = {"CLAIMTAG_ANNOTATOR": "e2e", "HOME": str(tmp_path)}
    pane = Pane([str(CLAIMTAG), "--store", str(store), str(ROOT / "seeds")], env=env)
    try:
        pane.wait_for("5 articles")
        pane.keys("Enter")  # opens the first article
        pane.wait_for("Russian media")
        pane.keys("2")  # the first sentence, as a claim against
        pane.wait_for("saved")
        pane.keys("q")
        assert pane.gone(), pane.screen()
    finally:
        pane.close()
    out = subprocess.run([str(CLAIMTAG), "export", "--store", str(store), "--format", "claims"],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    (line,) = out.stdout.splitlines()
    claim = json.loads(line)
    assert claim["annotator"] == "e2e"
    assert claim["stance"] == "against" and claim["type"] == "fact"
    assert claim["text"].startswith("Russian media: China is ruthlessly breaking")
    assert claim["doc_id"] == "000_ecb1173961431c24"


def test_a_dropped_connection_loses_nothing(tmp_path):
    """The terminal goes away (tmux killed: the app gets SIGHUP, as when an SSH link drops) right
    after a tag: the claim and the article labels are in the store."""
    store = tmp_path / "store"
    env = {"CLAIMTAG_ANNOTATOR": "e2e", "HOME": str(tmp_path)}
    pane = Pane([str(CLAIMTAG), "--store", str(store), str(ROOT / "seeds")], env=env)
    try:
        pane.wait_for("5 articles")
        pane.keys("j", "Enter")
        pane.wait_for("Observers Network")
        pane.keys("j", "3", "a", "1")
        pane.wait_for("[x] favor")
    finally:
        pane.close()  # no quit key: the terminal just disappears
    out = subprocess.run([str(CLAIMTAG), "export", "--store", str(store)],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    (record,) = [json.loads(line) for line in out.stdout.splitlines()]
    assert record["doc_id"] == "001_7a089fa4fc1eff1a"
    assert [c["stance"] for c in record["claims"]] == ["neutral"]
    assert record["labels"]["stance"] == ["favor"]


def test_a_hung_up_app_whose_exit_hangs_still_ends(tmp_path):
    """The terminal goes away and the app's exit never finishes (as when a terminal library waits on the
    dead terminal): the process ends by itself after the grace time, with SIGHUP's exit status, instead of
    staying behind on the server. The real app, a real tmux pane; only the exit is made to hang."""
    store, pid_file = tmp_path / "store", tmp_path / "pid"
    code = ("import asyncio, os, sys; import textual.app, tui.app, tui.main;"
            "tui.app.HANGUP_GRACE = 1.0;"
            "textual.app.App._shutdown = lambda self: asyncio.sleep(3600);"
            f"open({str(pid_file)!r}, 'w').write(str(os.getpid()));"
            f"sys.argv = ['claimtag', '--store', {str(store)!r}, {str(ROOT / 'seeds')!r}]; tui.main.main()")
    pane = Pane([sys.executable, "-c", code], env={"CLAIMTAG_ANNOTATOR": "e2e", "HOME": str(tmp_path)}, cwd=ROOT)
    try:
        pane.wait_for("5 articles")
        pid = int(pid_file.read_text())
    finally:
        pane.close()  # SIGHUP
    end = time.monotonic() + 15
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.kill(pid, 9)
        raise AssertionError("the hung-up app was still running 15 s after its terminal went away")


def annotate(store: Path, tmp_path: Path, annotator: str, keys: list[str]) -> None:
    """One annotator's session in the real app: the first article, ``keys`` typed, then quit."""
    pane = Pane([str(CLAIMTAG), "--store", str(store), "--annotator", annotator, str(ROOT / "seeds")], size=(80, 24),
                env={"HOME": str(tmp_path)})
    try:
        pane.wait_for("5 articles")
        pane.keys("Enter")
        pane.wait_for("Russian media")
        for key in keys:
            pane.keys(key)
            time.sleep(0.15)
        pane.wait_for("saved")
        pane.keys("q")
        assert pane.gone(), pane.screen()
    finally:
        pane.close()


def test_two_annotators_then_a_reviewer_adjudicates_and_exports_gold(tmp_path):
    """alice and bob tag the first article's first two sentences, alike for the first and in different
    stances for the second; the reviewer (blind) takes the conflict with n, picks a variant, accepts
    the unanimous one, and `export --annotator gold` is the dataset, with its provenance."""
    store = tmp_path / "store"
    annotate(store, tmp_path, "alice", ["1", "j", "1"])
    annotate(store, tmp_path, "bob", ["1", "j", "2"])
    (tmp_path / "claimtag.toml").write_text(
        (ROOT / "annotations" / "schema" / "default_schema.toml").read_text(encoding="utf-8")
        + "\n[review]\nblind = true\n", encoding="utf-8")
    pane = Pane([str(CLAIMTAG), "review", "--store", str(store), "--annotator", "lead"], size=(80, 24),
                env={"HOME": str(tmp_path)}, cwd=tmp_path)
    try:
        pane.wait_for("1 open conflicts")
        assert "blind" in pane.screen() and "alice" not in pane.screen()
        pane.keys("Enter")
        pane.wait_for("unit 1/2")
        pane.keys("n")
        pane.wait_for("stance · OPEN")
        pane.keys("Enter")
        pane.wait_for("picked")
        pane.keys("A")
        pane.wait_for("accepted 1")
        screen = pane.screen()
        assert "alice" not in screen and "bob" not in screen
        pane.keys("Escape")
        pane.wait_for("0 open conflicts")
        pane.keys("q")
        assert pane.gone(), pane.screen()
    finally:
        pane.close()
    out = subprocess.run([str(CLAIMTAG), "export", "--store", str(store), "--annotator", "gold"],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    (record,) = [json.loads(line) for line in out.stdout.splitlines()]
    assert record["status"] == "done" and len(record["claims"]) == 2
    how = sorted(c["provenance"]["how"] for c in record["claims"])
    assert how == ["picked", "unanimous"]
    picked = next(c for c in record["claims"] if c["provenance"]["how"] == "picked")
    assert picked["provenance"]["sources"] in (["alice"], ["bob"]) and picked["provenance"]["reviewer"] == "lead"


def test_a_dropped_connection_keeps_the_review_steps_on_screen(tmp_path):
    """A reviewer's steps are saved by a writer thread after the screen shows them: when the terminal goes
    away (SIGHUP, as when an SSH link drops) right after, the steps shown are in the store."""
    store = tmp_path / "store"
    annotate(store, tmp_path, "alice", ["1", "j", "1"])
    annotate(store, tmp_path, "bob", ["1", "j", "2", "j", "1"])
    pane = Pane([str(CLAIMTAG), "review", "--store", str(store), "--annotator", "lead"], size=(80, 24),
                env={"HOME": str(tmp_path)}, cwd=tmp_path)
    try:
        pane.wait_for("2 open conflicts")
        pane.keys("Enter")
        pane.wait_for("unit 1/3")
        pane.keys("n", "Enter", "n", "x")
        pane.wait_for("NO CLAIM HERE")
    finally:
        pane.close()  # no quit key: the terminal just disappears
    out = subprocess.run([str(CLAIMTAG), "export", "--store", str(store), "--annotator", "gold"],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    (record,) = [json.loads(line) for line in out.stdout.splitlines()]
    assert sorted(d["how"] for d in record["decisions"]) == ["no claim", "picked"]


def test_escape_and_the_next_key_in_one_read(tmp_path):
    """Issue 11: Escape and the next key sent together (tmux send-keys Escape 1, as a laggy SSH link
    delivers them) were read as one alt key and lost (or typed "¡" into the search)."""
    store = tmp_path / "store"
    pane = Pane([str(CLAIMTAG), "--store", str(store), "--annotator", "e2e", str(ROOT / "seeds")], size=(80, 24),
                env={"HOME": str(tmp_path)})
    try:
        pane.wait_for("5 articles")
        pane.keys("Enter")
        pane.wait_for("Russian media")
        pane.keys("/", "h", "s", "b", "c", "Enter")
        pane.wait_for("match 1 of")
        pane.keys("Escape", "1")  # one send-keys call: one read
        pane.wait_for("saved")
        pane.keys("Escape", "q")
        assert pane.gone(), pane.screen()
    finally:
        pane.close()
    out = subprocess.run([str(CLAIMTAG), "export", "--store", str(store), "--format", "claims"],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert [json.loads(line)["text"] for line in out.stdout.splitlines()] == ["HSBC"]
