"""``claimtag serve --ssh``, with the real OpenSSH client on loopback (in tmux where a terminal is needed):
identity from the key, never from the client; a refusal for unknown keys, spoofed names and sessions
without a terminal; several sessions at once; the terminal's size followed."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.serving import Served
from tests.e2e.test_tmux import CLAIMTAG, Pane

pytestmark = pytest.mark.skipif(shutil.which("ssh") is None or shutil.which("tmux") is None
                                or shutil.which("ssh-keygen") is None,
                                reason="the OpenSSH client (ssh, ssh-keygen) and tmux are needed")


class Team(Served):
    """A store with the seeds, keys for alice, bob and lead, and `claimtag serve --ssh` running."""

    def __init__(self, root: Path):
        lines = []
        for name, role in (("alice", "annotator"), ("bob", "annotator"), ("lead", "reviewer"), ("mallory", None)):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(root / name), "-C", name],
                           check=True)
            if role:
                kind, blob = (root / f"{name}.pub").read_text().split()[:2]
                lines.append(f"{name} {role} {kind} {blob}")
        super().__init__(root, "ssh", "\n".join(lines) + "\n")
        said = self.wait_until(lambda said: "host key" in said)
        assert "serving" in said and "host key" in said, said
        self.host_key_line = next(line for line in said.splitlines() if "host key" in line)

    def ssh(self, key: str, user: str, *extra: str) -> list[str]:
        return ["ssh", "-p", str(self.port), "-i", str(self.root / key), "-o", "IdentitiesOnly=yes",
                "-o", "StrictHostKeyChecking=no", "-o", f"UserKnownHostsFile={self.root / 'known_hosts'}",
                "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", *extra, f"{user}@127.0.0.1"]

    def export(self, *args: str) -> list[dict]:
        out = subprocess.run([str(CLAIMTAG), "export", "--store", str(self.store), *args], capture_output=True,
                             text=True, timeout=60, cwd=self.root)
        assert out.returncode == 0, out.stderr
        return [json.loads(line) for line in out.stdout.splitlines()]



@pytest.fixture(scope="module")
def team(tmp_path_factory):
    t = Team(tmp_path_factory.mktemp("team"))
    yield t
    t.close()


def test_host_key_is_kept_private_and_its_fingerprint_printed(team):
    key = team.store / "ssh_host_ed25519_key"
    assert key.stat().st_mode & 0o777 == 0o600
    printed = team.host_key_line.split("host key ")[1].split()[0]
    listed = subprocess.run(["ssh-keygen", "-l", "-f", str(key)], capture_output=True, text=True).stdout
    assert printed.startswith("SHA256:") and printed in listed


def test_log_in_with_a_key_tag_and_find_it_under_the_key_s_name(team):
    # the client's user name must be the key's name; SendEnv of CLAIMTAG_ANNOTATOR is ignored
    pane = Pane(team.ssh("alice", "alice", "-t", "-o", "SendEnv=CLAIMTAG_ANNOTATOR"), size=(80, 24),
                env={"CLAIMTAG_ANNOTATOR": "bob"})
    try:
        pane.wait_for("alice · 5 articles")
        pane.keys("Enter")
        pane.wait_for("Russian media")
        pane.keys("2")
        pane.wait_for("saved")
        pane.keys("q")
        assert pane.gone(), pane.screen()
    finally:
        pane.close()
    (record,) = [r for r in team.export("--annotator", "alice") if r["claims"]]
    assert [c["stance"] for c in record["claims"]] == ["against"]
    assert not [r for r in team.export("--annotator", "bob") if r["claims"]]
    line = next(json.loads(x) for x in (team.store / "log" / "alice.jsonl").read_text().splitlines()
                if '"op": "claim.put"' in x)
    fingerprint = subprocess.run(["ssh-keygen", "-l", "-f", str(team.root / "alice.pub")], capture_output=True,
                                 text=True).stdout.split()[1]
    assert line["ssh"] == f"alice {fingerprint}"


@pytest.mark.parametrize("key,user", [("mallory", "mallory"), ("mallory", "alice"), ("alice", "bob"),
                                      ("alice", "gold")])
def test_unknown_keys_and_other_names_are_refused(team, key, user):
    out = subprocess.run(team.ssh(key, user, "-T"), capture_output=True, text=True, timeout=30,
                         stdin=subprocess.DEVNULL)
    assert out.returncode == 255 and "Permission denied" in out.stderr, (out.returncode, out.stderr)


def test_passwords_are_not_offered(team):
    out = subprocess.run(["ssh", "-p", str(team.port), "-o", "StrictHostKeyChecking=no", "-o",
                          "UserKnownHostsFile=/dev/null", "-o", "PubkeyAuthentication=no", "-o", "BatchMode=yes",
                          "alice@127.0.0.1"], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert out.returncode == 255 and "Permission denied (publickey)" in out.stderr


def test_a_session_without_a_terminal_gets_one_line(team):
    out = subprocess.run(team.ssh("alice", "alice", "-T"), capture_output=True, text=True, timeout=30,
                         stdin=subprocess.DEVNULL)
    assert out.returncode == 1 and "needs a terminal" in out.stdout + out.stderr
    out = subprocess.run(team.ssh("alice", "alice", "-T") + ["claimtag", "export"], capture_output=True, text=True,
                         timeout=30, stdin=subprocess.DEVNULL)
    assert out.returncode == 1 and "needs a terminal" in out.stdout + out.stderr


def test_two_sessions_at_once_each_their_own_layer_and_the_window_size_followed(team):
    alice = Pane(team.ssh("alice", "alice", "-t"), size=(80, 24))
    bob = Pane(team.ssh("bob", "bob", "-t"), size=(100, 30))
    try:
        alice.wait_for("alice · 5 articles")
        bob.wait_for("bob · 5 articles")
        for pane in (alice, bob):
            pane.keys("j", "Enter")
            pane.wait_for("Observers Network")
        alice.keys("1")
        bob.keys("j", "3")
        alice.wait_for("saved")
        bob.wait_for("saved")
        alice.tmux("resize-window", "-t", "t", "-x", "120", "-y", "40")
        end = time.monotonic() + 5
        while time.monotonic() < end and max(len(line) for line in alice.screen().splitlines()) < 100:
            time.sleep(0.1)
        assert max(len(line) for line in alice.screen().splitlines()) >= 100, alice.screen()
        assert len(alice.screen().splitlines()) >= 39
        alice.keys("q")
        bob.keys("q")
        assert alice.gone() and bob.gone()
    finally:
        alice.close()
        bob.close()
    by = {r["annotator"]: r for r in team.export() if r["doc_id"] == "001_7a089fa4fc1eff1a"}
    assert [c["stance"] for c in by["alice"]["claims"]] == ["favor"]
    assert [c["stance"] for c in by["bob"]["claims"]] == ["neutral"]


def test_a_reviewer_key_lands_in_the_review_list(team):
    pane = Pane(team.ssh("lead", "lead", "-t"), size=(80, 24))
    try:
        pane.wait_for("Review ·")
        pane.keys("q")
        assert pane.gone()
    finally:
        pane.close()


def test_the_server_refuses_a_bad_users_file(tmp_path):
    store = tmp_path / "store"
    subprocess.run([str(CLAIMTAG), "init", "--store", str(store)], check=True, capture_output=True)
    (store / "users").write_text("alice annotator ssh-ed25519 not-base64!\n")
    out = subprocess.run([str(CLAIMTAG), "serve", "--ssh", "127.0.0.1:0", "--store", str(store)],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 2 and f"{store / 'users'}:1: the key is not base64" in out.stderr


def test_a_dropped_connection_loses_nothing_and_ends_the_session(team):
    pane = Pane(team.ssh("bob", "bob", "-t"), size=(80, 24))
    try:
        pane.wait_for("bob · 5 articles")
        pane.keys("j", "j", "Enter")
        pane.wait_for("U.S. attempts")
        pane.keys("1")
        pane.wait_for("saved")
    finally:
        pane.close()  # the client just goes away
    (record,) = [r for r in team.export("--annotator", "bob") if r["doc_id"].startswith("002")]
    assert [c["stance"] for c in record["claims"]] == ["favor"]
    end = time.monotonic() + 10  # the session's app got SIGHUP and exited
    while time.monotonic() < end and "--annotator bob" in _apps():
        time.sleep(0.2)
    assert "--annotator bob" not in _apps()


def _apps() -> str:
    return subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout


GREYS = {0, 7, 8, 15, 16, 231, *range(232, 256)}  # the 256-colour palette's black, white and grey ramp


def _sgr(screen_with_escapes: str) -> list[list[int]]:
    import re

    return [[int(x) for x in m.split(";") if x] for m in re.findall(r"\x1b\[([0-9;]*)m", screen_with_escapes)]


def _indexed(codes: list[list[int]]) -> set[int]:
    """The 256-colour palette indexes used (38;5;N and 48;5;N)."""
    return {c[i + 2] for c in codes for i in range(len(c) - 2) if c[i] in (38, 48) and c[i + 1] == 5}


@pytest.mark.parametrize("term,env,check", [
    ("xterm-256color", {}, "colours"),                # the default: the palette's colours
    ("xterm-256color", {"NO_COLOR": "1"}, "grey"),   # NO_COLOR asked for through SendEnv: honoured
    ("xterm", {}, "16"),                              # a 16-colour terminal: only the 16 basic colours
])
def test_the_client_s_terminal_and_no_color_are_honoured(team, term, env, check):
    extra = ["-t", "-o", "SendEnv=NO_COLOR"] if env else ["-t"]
    pane = Pane(team.ssh("alice", "alice", *extra), size=(80, 24), env={**env, "TERM": term})
    try:
        pane.wait_for("alice · 5 articles")
        pane.keys("Enter")
        pane.wait_for("Russian media")
        codes = _sgr(pane.tmux("capture-pane", "-t", "t", "-p", "-e"))
        if check == "colours":
            assert _indexed(codes) - GREYS
        elif check == "grey":
            assert _indexed(codes) and _indexed(codes) <= GREYS, _indexed(codes)
        else:
            assert not _indexed(codes) and not any(38 in c or 48 in c for c in codes), codes
            assert any(30 <= x <= 49 or 90 <= x <= 107 for c in codes for x in c)
        pane.keys("q")
    finally:
        pane.close()
