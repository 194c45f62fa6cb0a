"""A store shared by several UNIX accounts (issue 8): ``claimtag init --shared GROUP`` makes one a group
can use whatever each member's umask, every file the store makes keeps that mode, and a member who
cannot write gets one clear line, never a traceback. Real processes under other uids (needs root)."""

from __future__ import annotations

import grp
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from annotations.cli import main
from annotations.store import Store

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="runs writers as other UNIX users: needs root")

GROUP = "users"
SAVE = r'''
import sys
from annotations.errors import ClaimtagError
from annotations.models import Claim
from annotations.store import Store
store = Store(sys.argv[1], create=False)
art = store.articles()[0]
text = store.text(art.sha256)
try:
    c = store.save_claim(Claim(Store.new_claim_id(), art.id, art.sha256, 0, 5, text[:5], "fact", "favor", "t",
                               sys.argv[2]))
    store.set_state(art.id, sys.argv[2], status="done")
    store.sentences(art.sha256, text)
    print("saved", c.id)
except ClaimtagError as exc:
    print("claimtag:", exc, file=sys.stderr)
    sys.exit(2)
'''


def as_user(uid: int, gid: int, umask: int):
    def become() -> None:
        os.setgroups([gid])
        os.setgid(gid)
        os.umask(umask)
        os.setuid(uid)
    return become


def save_as(root: Path, uid: int, gid: int, umask: int, name: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run([sys.executable, "-c", SAVE, str(root), name], capture_output=True, text=True,
                          preexec_fn=as_user(uid, gid, umask), env=env, timeout=60, cwd="/")


def all_paths(root: Path) -> list[Path]:
    return [root, *sorted(root.rglob("*"))]


@pytest.fixture
def open_folder():
    """A folder other users can reach (pytest's tmp_path sits under a 0700 folder of root's)."""
    folder = Path(tempfile.mkdtemp(prefix="claimtag-shared-"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def shared(open_folder: Path) -> Path:
    root = open_folder / "store"
    assert main(["init", "--store", str(root), "--shared", GROUP]) == 0
    from conftest import seed_articles

    Store(root).add_articles(seed_articles()[:1])
    return root


def test_init_shared_makes_setgid_group_folders(shared: Path):
    gid = grp.getgrnam(GROUP).gr_gid
    for path in all_paths(shared):
        st = os.lstat(path)
        assert st.st_gid == gid, path
        mode = stat.S_IMODE(st.st_mode)
        assert mode == (0o2770 if stat.S_ISDIR(st.st_mode) else 0o660), (path, oct(mode))
    marker = json.loads((shared / "claimtag-store.json").read_text())
    assert marker["shared_group"] == GROUP


def test_members_with_any_umask_can_all_write(shared: Path):
    gid = grp.getgrnam(GROUP).gr_gid
    first = save_as(shared, 65534, gid, 0o077, "alice")  # a strict umask: files would be 0600
    assert first.returncode == 0, first.stderr
    second = save_as(shared, 65533, gid, 0o022, "bob")  # another member, same bucket
    assert second.returncode == 0, second.stderr
    for path in all_paths(shared):
        st = os.lstat(path)
        assert st.st_gid == gid and stat.S_IMODE(st.st_mode) in (0o2770, 0o660), (path, oct(st.st_mode))
    entries = [json.loads(line) for p in (shared / "log").glob("*.jsonl") for line in p.read_text().splitlines()]
    users = {(e["annotator"], e["uid"]) for e in entries if "op" in e and e["annotator"] != "claimtag"}
    assert users == {("alice", 65534), ("bob", 65533)}  # the real UNIX user beside the name


def test_a_member_who_cannot_write_gets_one_line_not_a_traceback(open_folder: Path):
    root = open_folder / "store"
    old = os.umask(0o022)  # the usual umask: a store only its creator can write
    try:
        from conftest import seed_articles

        Store(root).add_articles(seed_articles()[:1])
    finally:
        os.umask(old)
    done = save_as(root, 65534, 65534, 0o022, "bob")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "cannot write to the store: permission denied" in done.stderr
    assert "claimtag init --shared GROUP" in done.stderr
    assert Store(root).claims(Store(root).articles()[0].id) == []
