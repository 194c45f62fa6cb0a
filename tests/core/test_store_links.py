"""Links planted in a shared store are never followed, nothing is copied from a file that is not the
store's own, and ``export -o`` never replaces a device, a FIFO or a link (issue 8, B)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from annotations.cli import main
from annotations.errors import StoreError
from annotations.models import Claim
from annotations.store import Store, bucket_of
from annotations.store.log import log_name

FIRST = "000_ecb1173961431c24"


def claim_of(store: Store, annotator: str = "alice", start: int = 0, end: int = 7) -> Claim:
    art = store.article(FIRST)
    text = store.text(art.sha256)
    return Claim(Store.new_claim_id(), FIRST, art.sha256, start, end, text[start:end], "fact", "favor",
                 "Chinese AI", annotator)


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file of another user the attacker wants claimtag to write into (alice's .bashrc)."""
    path = tmp_path / "home" / ".bashrc"
    path.parent.mkdir()
    path.write_text("export PS1='$ '\n")
    return path


def test_a_log_file_planted_as_a_link_is_refused(seeded_store: Store, victim: Path):
    log = seeded_store.root / "log" / f"{log_name('alice')}.jsonl"
    log.unlink(missing_ok=True)
    os.symlink(victim, log)
    before = victim.read_bytes()
    with pytest.raises(StoreError, match="symbolic link"):
        seeded_store.save_claim(claim_of(seeded_store))
    assert victim.read_bytes() == before
    assert seeded_store.claims(FIRST) == []  # the change was not made either


def test_a_log_folder_replaced_by_a_link_is_refused(seeded_store: Store, victim: Path):
    folder = seeded_store.root / "log"
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()
    os.symlink(victim.parent, folder)
    with pytest.raises(StoreError, match="symbolic link"):
        seeded_store.save_claim(claim_of(seeded_store))
    assert sorted(p.name for p in victim.parent.iterdir()) == [".bashrc"]
    with pytest.raises(StoreError, match="symbolic link"):  # and a store like that is refused when opened
        Store(seeded_store.root)


@pytest.mark.parametrize("sub", ["claims", "corpus", "states", "texts", "cache"])
def test_a_store_whose_subfolder_is_a_link_is_refused(seeded_store: Store, tmp_path: Path, sub: str):
    folder = seeded_store.root / sub
    os.rename(folder, tmp_path / f"moved-{sub}")
    os.symlink(tmp_path / f"moved-{sub}", folder)
    with pytest.raises(StoreError, match="symbolic link"):
        Store(seeded_store.root)


def test_a_bucket_file_linked_to_a_secret_is_not_copied(seeded_store: Store, tmp_path: Path):
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$secret\n")
    os.chmod(secret, 0o600)
    bucket = seeded_store.root / "corpus" / f"{bucket_of(FIRST)}.json"
    bucket.unlink()
    os.symlink(secret, bucket)
    problems = seeded_store.check(repair=True)
    assert any("symbolic link" in p and bucket.name in p for p in problems)
    assert list(bucket.parent.glob("*.corrupt-*")) == []  # nothing of the secret was copied anywhere
    assert secret.read_text() == "root:$6$secret\n" and bucket.is_symlink()
    assert len(seeded_store.articles()) == 4  # the other buckets stay usable
    assert any(bucket.name in name for name in seeded_store.skipped)


def test_a_text_file_planted_as_a_link_is_not_read(seeded_store: Store, tmp_path: Path):
    art = seeded_store.article(FIRST)
    path = seeded_store.root / "texts" / art.sha256[:2] / f"{art.sha256}.txt"
    copy = tmp_path / "copy.txt"
    copy.write_bytes(path.read_bytes())
    path.unlink()
    os.symlink(copy, path)
    with pytest.raises(StoreError, match="symbolic link"):
        Store(seeded_store.root).text(art.sha256)


def test_a_lock_file_planted_as_a_link_is_refused_and_its_target_kept(seeded_store: Store, victim: Path):
    lock = seeded_store.root / "claimtag-store.lock"
    lock.unlink()
    os.symlink(victim, lock)
    before = victim.read_bytes()
    store = Store(seeded_store.root)  # the descriptor this process holds no longer names the path: reopened
    with pytest.raises(StoreError, match="symbolic link"):
        store.save_claim(claim_of(store))
    assert victim.read_bytes() == before  # not truncated, not locked through the link


def test_a_corrupt_copy_gets_the_stores_mode_and_comes_from_the_store_file(seeded_store: Store):
    bucket = seeded_store.root / "corpus" / f"{bucket_of(FIRST)}.json"
    bucket.write_text("{ torn")
    os.chmod(bucket, 0o600)
    seeded_store.check()
    copies = list(bucket.parent.glob("*.corrupt-*"))
    assert len(copies) == 1 and copies[0].read_text() == "{ torn"
    assert stat.S_IMODE(copies[0].stat().st_mode) == seeded_store.fs.file_mode


# -- export -o -----------------------------------------------------------------------------------------

def export(store: Store, out: Path, capsys) -> tuple[int, str]:
    status = main(["export", "--store", str(store.root), "-o", str(out)])
    return status, capsys.readouterr().err


def test_export_refuses_a_fifo(seeded_store: Store, tmp_path: Path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    status, err = export(seeded_store, fifo, capsys)
    assert status == 2 and "is a FIFO" in err and "Traceback" not in err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can make a device node")
def test_export_refuses_a_device(seeded_store: Store, tmp_path: Path, capsys):
    dev = tmp_path / "null"
    os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a copy of /dev/null
    status, err = export(seeded_store, dev, capsys)
    assert status == 2 and "is a device" in err
    assert stat.S_ISCHR(os.lstat(dev).st_mode)


def test_export_refuses_a_link(seeded_store: Store, victim: Path, tmp_path: Path):
    link = tmp_path / "out.jsonl"
    os.symlink(victim, link)
    before = victim.read_bytes()
    assert main(["export", "--store", str(seeded_store.root), "-o", str(link)]) == 2
    assert victim.read_bytes() == before and link.is_symlink()


def test_export_files_get_the_users_umask_and_a_replaced_file_keeps_its_mode(seeded_store: Store, tmp_path: Path):
    out = tmp_path / "new.jsonl"
    old = os.umask(0o027)
    try:
        assert main(["export", "--store", str(seeded_store.root), "-o", str(out)]) == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
        os.chmod(out, 0o604)
        assert main(["export", "--store", str(seeded_store.root), "-o", str(out)]) == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o604
    finally:
        os.umask(old)
