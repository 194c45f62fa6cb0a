"""Errors a user meets: a bad schema stops `claimtag` before any UI; a corrupt store file gives the app
a message (a notification, the list's summary line), never a traceback, and the file is left as it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS

from annotations.models import Claim
from annotations.store import Store, bucket_of
from tui.app import ClaimtagApp
from tui.messages import StoreChanged
from tui.screens.list.screen import ArticleListScreen
from tui.screens.reader.screen import ReaderScreen
from tui.testing import notifications, screen_text

CLAIMTAG = Path(sys.executable).parent / "claimtag"
FIRST = "000_ecb1173961431c24"
BAD_TOML = 'default_type = "fact"\n\n[[claim_types]\nname = "x"\n'  # line 3: a broken table header


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CLAIMTAG_STORE"}
    return subprocess.run(args, capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=cwd, env=env,
                          timeout=60)


# -- schema errors stop before any UI --------------------------------------------------------------------------

def test_bad_schema_option_stops_before_the_app(tmp_path):
    (tmp_path / "bad.toml").write_text(BAD_TOML)
    done = run([str(CLAIMTAG), "--schema", "bad.toml", "--store", "st", str(SEEDS)], cwd=tmp_path)
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("claimtag: bad.toml:3: ")
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not (tmp_path / "st").exists()  # nothing added either: the schema is read first


def test_bad_claimtag_toml_in_the_cwd_stops_before_the_app(tmp_path):
    (tmp_path / "claimtag.toml").write_text('targets = ["a"]\nunknown_setting = 1\n')
    done = run([str(CLAIMTAG), "--store", "st"], cwd=tmp_path)
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"claimtag: {tmp_path / 'claimtag.toml'}:2: ")
    assert "Traceback" not in done.stderr


def test_schema_semantic_error_names_the_line(tmp_path):
    schema = (ROOT / "annotations" / "schema" / "default_schema.toml").read_text()
    lines = schema.splitlines()
    second = [i for i, line in enumerate(lines) if line.strip() == 'key = "o"']
    assert len(second) == 1
    lines[second[0]] = 'key = "f"'  # the key of "fact" again
    (tmp_path / "dup.toml").write_text("\n".join(lines) + "\n")
    done = run([str(CLAIMTAG), "--schema", "dup.toml", "--store", "st"], cwd=tmp_path)
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"claimtag: dup.toml:{second[0] + 1}: ") and "'f'" in line


def test_schema_error_never_imports_textual(tmp_path):
    """Not only no screen: the app's code is not even loaded when the schema is bad."""
    (tmp_path / "bad.toml").write_text(BAD_TOML)
    script = ("import json, sys; from tui.main import main; "
              "rc = main(['--schema', 'bad.toml', '--store', 'st']); "
              "print(json.dumps({'rc': rc, 'textual': 'textual' in sys.modules}))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                          stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert json.loads(done.stdout) == {"rc": 2, "textual": False}
    assert done.stderr.startswith("claimtag: bad.toml:3: ")


def test_missing_schema_file(tmp_path):
    done = run([str(CLAIMTAG), "stats", "--schema", "nope.toml", "--store", "st"], cwd=tmp_path)
    assert done.returncode == 2 and done.stderr == "claimtag: nope.toml: no such schema file\n"


# -- the app on a corrupt store --------------------------------------------------------------------------------

pytestmark = pytest.mark.anyio


def bucket_file(store: Store, kind: str, article_id: str = FIRST) -> Path:
    return store.root / kind / f"{bucket_of(article_id)}.json"


def corrupt(path: Path, content: bytes | None = None) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content if content is not None else (path.read_bytes()[:30] if path.exists() else b'{"claims": {')
    path.write_bytes(data)
    return data


def add_claim(store: Store, annotator: str = "alice") -> Claim:
    art = store.article(FIRST)
    text = store.text(art.sha256)
    return store.save_claim(Claim(store.new_claim_id(), FIRST, art.sha256, 0, 7, text[:7], "fact", "favor",
                                  "Chinese AI", annotator))


def unreadable(path: Path) -> str:
    return f"store file {path} is unreadable (invalid JSON"


async def test_list_with_a_corrupt_corpus_bucket_says_so(seeded_store, schema):
    path = bucket_file(seeded_store, "corpus")
    before = corrupt(path)
    app = ClaimtagApp(seeded_store, schema, "alice")
    seen = notifications(app)
    async with app.run_test(size=(140, 24), notifications=True) as pilot:  # room beside the toast
        await pilot.pause()
        assert isinstance(app.screen, ArticleListScreen)
        first = screen_text(app).splitlines()[0]
        # one bad bucket of 256 hides its own article, not the other four
        assert first.startswith(f" unreadable: corpus/{path.name} (claimtag check) · alice · 4 articles")
        assert seen and all(m.startswith(unreadable(path)) for m in seen)  # the reason, the full path
        await pilot.press("enter")  # the others still open
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
    assert path.read_bytes() == before


async def test_opening_an_article_with_a_corrupt_claims_bucket(seeded_store, schema):
    add_claim(seeded_store)
    path = bucket_file(seeded_store, "claims")
    before = corrupt(path)
    app = ClaimtagApp(seeded_store, schema, "alice")
    seen = notifications(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert "5 articles" in screen_text(app) and not seen  # the list needs only corpus and states
        app.screen.open_article(FIRST)
        await pilot.pause()
        assert isinstance(app.screen, ArticleListScreen)  # the reader cannot show it: on the list
        assert seen and seen[-1].startswith(unreadable(path))
        app.screen.open_article("002_45969eb7d7822045")  # another bucket still opens
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
    assert path.read_bytes() == before


async def test_reader_survives_a_claims_bucket_going_bad(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice")
    seen = notifications(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        app.screen.open_article(FIRST)
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert len(seeded_store.claims(FIRST)) == 1
        path = bucket_file(seeded_store, "claims")
        before = corrupt(path)
        app.screen.post_message(StoreChanged())  # what the poll sends when another process saved
        await pilot.pause()
        assert len(seen) == 1 and seen[0].startswith(unreadable(path))
        await pilot.press("j", "2")  # tagging now fails: a message, not a crash
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert len(seen) == 2 and seen[1].startswith(unreadable(path))
        assert "1 claim" in screen_text(app)  # what was shown stays
        await pilot.press("x", "u")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert all(m.startswith(unreadable(path)) for m in seen)
    assert path.read_bytes() == before


async def test_done_with_a_corrupt_corpus_bucket_on_a_wide_reader(seeded_store, schema):
    app = ClaimtagApp(seeded_store, schema, "alice")
    seen = notifications(app)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await pilot.pause()
        app.screen.open_article("002_45969eb7d7822045")
        await pilot.pause()
        path = bucket_file(seeded_store, "corpus")  # another article's bucket: the side list reads it
        before = corrupt(path)
        app.screen.post_message(StoreChanged())
        await pilot.pause()
        await pilot.press("d")  # saved; the next article is found among the readable buckets
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and app.screen.article_id == "003_f62da1ad572ef089"
        assert seeded_store.state("002_45969eb7d7822045", "alice").status == "done"
        assert "marked done" in screen_text(app)
        assert seen and all(m.startswith(unreadable(path)) for m in seen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ArticleListScreen)
        assert f"unreadable: corpus/{path.name}" in screen_text(app)
    assert path.read_bytes() == before
