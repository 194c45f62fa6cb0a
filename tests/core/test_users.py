"""The users file of `claimtag serve`: key -> name and role; every problem refused with FILE:LINE."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess

import pytest

from annotations.users import UsersFileError, key_fingerprint, load_users, parse_users


def ed25519(seed: int) -> str:
    blob = len(b"ssh-ed25519").to_bytes(4, "big") + b"ssh-ed25519" + (32).to_bytes(4, "big") + bytes([seed]) * 32
    return base64.b64encode(blob).decode()


def test_keys_map_to_names_and_roles():
    users = parse_users(f"# team\nalice annotator ssh-ed25519 {ed25519(1)} alice@laptop\n\n"
                        f"alice annotator ssh-ed25519 {ed25519(2)}\nlead reviewer ssh-ed25519 {ed25519(3)}\n", "u")
    assert sorted((u.name, u.role) for u in users.values()) == [("alice", "annotator"), ("alice", "annotator"),
                                                                 ("lead", "reviewer")]


@pytest.mark.parametrize("line,problem", [
    ("alice annotator", "u:2: expected: NAME ROLE KEY-TYPE KEY"),
    (f"alice admin ssh-ed25519 {ed25519(1)}", "u:2: role 'admin' is not one of annotator, reviewer"),
    (f"alice annotator ssh-dss {ed25519(1)}", "u:2: key type 'ssh-dss' is not one of"),
    ("alice annotator ssh-ed25519 !!!", "u:2: the key is not base64"),
    (f"alice annotator ssh-rsa {ed25519(1)}", "u:2: the key is not a ssh-rsa key"),
    (f"bob annotator ssh-ed25519 {ed25519(9)}", "u:2: this key is already alice's: one key, one name"),
    (f"alice reviewer ssh-ed25519 {ed25519(1)}", "u:2: alice is already a annotator (one role per name)"),
    (f"gold reviewer ssh-ed25519 {ed25519(1)}", "u:2: 'gold' is the reviewers' layer"),
    (f"al\x1bice annotator ssh-ed25519 {ed25519(1)}", "u:2: "),
])
def test_problems_are_refused_with_file_and_line(line, problem):
    with pytest.raises(UsersFileError, match="^" + re.escape(problem)):
        parse_users(f"alice annotator ssh-ed25519 {ed25519(9)}\n{line}\n", "u")


def test_an_empty_or_missing_file_is_refused(tmp_path):
    with pytest.raises(UsersFileError, match="no users file"):
        load_users(tmp_path / "users")
    (tmp_path / "users").write_text("# nobody yet\n")
    with pytest.raises(UsersFileError, match="no user in it"):
        load_users(tmp_path / "users")


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen (openssh-client)")
def test_fingerprint_is_openssh_s(tmp_path):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / "k")], check=True)
    kind, blob = (tmp_path / "k.pub").read_text().split()[:2]
    listed = subprocess.run(["ssh-keygen", "-l", "-f", str(tmp_path / "k.pub")], capture_output=True, text=True)
    assert key_fingerprint(base64.b64decode(blob)) == listed.stdout.split()[1]
