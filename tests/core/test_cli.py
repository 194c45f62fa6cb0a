"""The `claimtag` command as a user meets it: the installed command run in a subprocess (stdout, stderr,
exit code), and ``annotations.cli.main([...])`` called directly; always on a store under tmp_path."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS

from annotations import cli
from annotations.models import Claim
from annotations.store import Store, bucket_of

CLAIMTAG = Path(sys.executable).parent / "claimtag"
N_SEEDS = len(list(SEEDS.glob("*.txt")))


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real command, stdin closed (no terminal): it must finish by itself. It runs in the test's
    scratch folder (``_scratch_cwd``): a forgotten ``--store`` never writes into the checkout."""
    base = {k: v for k, v in os.environ.items() if k != "CLAIMTAG_STORE"}
    full_env = {**base, "COLUMNS": "200", "CLAIMTAG_ANNOTATOR": "tester", **(env or {})}
    return subprocess.run([str(CLAIMTAG), *args], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          cwd=cwd, env=full_env, timeout=60)


@pytest.fixture(autouse=True)
def _scratch_cwd(tmp_path, monkeypatch):
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    monkeypatch.delenv("CLAIMTAG_STORE", raising=False)


def lines(stream: str) -> list[str]:
    return [line for line in stream.splitlines() if line.strip()]


def one_claim(store: Store, annotator: str = "alice") -> Claim:
    art = store.articles()[0]
    text = store.text(art.sha256)
    return store.save_claim(Claim(store.new_claim_id(), art.id, art.sha256, 0, 7, text[:7], "fact", "favor",
                                  "Chinese AI", annotator))


# -- add ---------------------------------------------------------------------------------------------------

def test_add_seeds_then_again_unchanged(tmp_path):
    first = run("add", "--store", str(tmp_path / "st"), str(SEEDS))
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"added {N_SEEDS}, unchanged 0, new version 0, refused 0"
    assert first.stderr == ""
    again = run("add", "--store", str(tmp_path / "st"), str(SEEDS))
    assert again.returncode == 0
    assert again.stdout.strip() == f"added 0, unchanged {N_SEEDS}, new version 0, refused 0"
    assert len(Store(tmp_path / "st").articles()) == N_SEEDS


def test_add_bad_file_among_good_ones(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    good = sorted(SEEDS.glob("*.txt"))[:2]
    for path in good:
        shutil.copy(path, folder)
    (folder / "bad.txt").write_bytes(b"\xff\xfe\x00\x00binary\x00junk")
    done = run("add", "--store", str(tmp_path / "st"), str(folder))
    assert done.returncode == 1
    err = lines(done.stderr)
    assert len(err) == 1 and "bad.txt" in err[0] and "Traceback" not in done.stderr
    assert done.stdout.strip() == "added 2, unchanged 0, new version 0, refused 1"
    assert sorted(a.id for a in Store(tmp_path / "st").articles()) == sorted(p.stem for p in good)


def test_add_missing_path_is_refused_in_one_line(tmp_path, capsys):
    assert cli.main(["add", "--store", str(tmp_path / "st"), str(tmp_path / "nope.txt")]) == 1
    err = lines(capsys.readouterr().err)
    assert len(err) == 1 and "nope.txt" in err[0]


# -- check -------------------------------------------------------------------------------------------------

@pytest.fixture
def seeded_dir(tmp_path) -> Path:
    from conftest import seed_articles

    root = tmp_path / "st"
    Store(root).add_articles(seed_articles())
    return root


def test_check_good_store(seeded_dir):
    one_claim(Store(seeded_dir))
    done = run("check", "--store", str(seeded_dir))
    assert done.returncode == 0
    assert done.stdout.strip() == "store is valid" and done.stderr == ""


def test_check_corrupt_bucket_names_the_file_and_leaves_it(seeded_dir):
    store = Store(seeded_dir)
    bucket = seeded_dir / "corpus" / f"{bucket_of(store.articles()[0].id)}.json"
    bucket.write_bytes(bucket.read_bytes()[:25])
    before = bucket.read_bytes()
    done = run("check", "--store", str(seeded_dir))
    assert done.returncode != 0
    err = lines(done.stderr)
    assert len(err) == 1 and str(bucket) in err[0] and "unreadable" in err[0]
    assert "Traceback" not in done.stderr and "store is valid" not in done.stdout
    assert bucket.read_bytes() == before
    # --repair cannot fix an unreadable file: it says so and still fails
    repaired = run("check", "--repair", "--store", str(seeded_dir))
    assert repaired.returncode == 1
    assert "cannot fix" in repaired.stderr and bucket.read_bytes() == before


def test_check_repair_fixes_a_stale_claim_count(seeded_dir):
    store = Store(seeded_dir)
    claim = one_claim(store)
    states = seeded_dir / "states" / f"{bucket_of(claim.article_id)}.json"
    data = json.loads(states.read_text())
    (key,) = [k for k, v in data["states"].items() if v["article_id"] == claim.article_id]
    data["states"][key]["n_claims"] = 5  # a crash between the two writes of a save
    states.write_text(json.dumps(data))
    done = run("check", "--store", str(seeded_dir))
    assert done.returncode == 1
    assert lines(done.stderr) == [f"{claim.article_id}/alice: claim count 5, found 1"]
    fixed = run("check", "--repair", "--store", str(seeded_dir))
    assert fixed.returncode == 0, fixed.stderr
    assert "repaired 1 problem(s); store is valid" in fixed.stdout
    assert store.state(claim.article_id, "alice").n_claims == 1
    assert run("check", "--store", str(seeded_dir)).stdout.strip() == "store is valid"


# -- the store path ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["stats"], ["check"], ["add", str(SEEDS)], ["export"], []])
def test_store_path_that_is_a_file(tmp_path, command):
    path = tmp_path / "afile"
    path.write_text("not a store")
    done = run(*command, "--store", str(path))
    assert done.returncode == 2
    assert lines(done.stderr) == [f"claimtag: store path {path} is not a folder"]
    assert path.read_text() == "not a store"


def test_store_path_under_a_file(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    assert cli.main(["stats", "--store", str(tmp_path / "afile" / "st")]) == 2
    err = lines(capsys.readouterr().err)
    assert len(err) == 1 and err[0].startswith("claimtag: cannot open the store at") and "Not a directory" in err[0]


def test_store_from_the_environment(tmp_path):
    done = run("add", str(SEEDS), env={"CLAIMTAG_STORE": str(tmp_path / "envstore")})
    assert done.returncode == 0
    assert len(Store(tmp_path / "envstore").articles()) == N_SEEDS


# -- help and unknown words -----------------------------------------------------------------------------------

def test_help():
    done = run("--help")
    assert done.returncode == 0 and done.stdout.startswith("usage: claimtag")
    for word in cli.SUBCOMMANDS:
        assert word in done.stdout
    export = run("export", "--help")
    assert export.returncode == 0 and export.stdout.startswith("usage: claimtag export")
    assert "--format" in export.stdout and "--allow-stale" in export.stdout


def test_unknown_option_is_a_usage_error(tmp_path):
    done = run("stats", "--store", str(tmp_path / "st"), "--frobnicate")
    assert done.returncode == 2 and "unrecognized arguments: --frobnicate" in done.stderr
    assert "Traceback" not in done.stderr


def test_nonsense_subcommand_on_an_empty_store_exits_without_the_app(tmp_path):
    done = run("nonsense-subcommand", "--store", str(tmp_path / "st"))
    assert done.returncode == 1
    err = done.stderr
    assert "refused nonsense-subcommand: no such file or folder" in err
    assert "'nonsense-subcommand' is neither a file nor a command (commands: init, add, export" in err
    assert "has no articles: not opening the app" in err
    assert "Traceback" not in err and "\x1b[" not in err + done.stdout  # no Textual screen was drawn


def test_nonsense_subcommand_on_a_store_with_articles_is_reported_before_the_app(seeded_dir):
    done = run("stat", "--store", str(seeded_dir))
    assert "'stat' is neither a file nor a command" in done.stderr
    # stdin is not a terminal here: the app refuses to start instead of waiting for keys forever
    assert done.returncode == 2
    assert "the app needs a terminal" in done.stderr and "\x1b[" not in done.stderr


def test_paths_given_to_the_app_are_added_first(tmp_path):
    done = run("--store", str(tmp_path / "st"), str(SEEDS))
    assert f"added {N_SEEDS}" in done.stderr and done.returncode == 2  # then: no terminal
    assert len(Store(tmp_path / "st").articles()) == N_SEEDS


# -- annotator names ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, message", [
    ("a\x1b[2Jb", "contains control characters"),
    ("   ", "blank"),
    ("x" * 300, "longer than"),
])
def test_bad_annotator_names_are_refused(tmp_path, capsys, name, message):
    opened = []
    assert cli.main(["--annotator", name, "--store", str(tmp_path / "st")], open_app=opened.append) == 2
    err = lines(capsys.readouterr().err)
    assert len(err) == 1 and message in err[0] and not opened


def test_app_gets_the_annotator_and_paths(tmp_path):
    opened = []
    assert cli.main(["--annotator", "bob", "--store", str(tmp_path / "st"), "x.txt"],
                    open_app=lambda a: opened.append(a) or 0) == 0
    (args,) = opened
    assert args.annotator == "bob" and args.paths == [Path("x.txt")] and args.store == tmp_path / "st"


def test_export_of_an_empty_store_is_empty(tmp_path):
    done = run("export", "--store", str(tmp_path / "st"))
    assert done.returncode == 0 and done.stdout == ""


def test_global_options_work_before_the_command(tmp_path, capsys):
    """`claimtag --store DIR stats` (issue 11: "'stats' is neither a file nor a command"), and
    `claimtag --store X add DIR` adds to X instead of treating DIR as an app path."""
    store = tmp_path / "store"
    assert cli.main(["--store", str(store), "add", str(SEEDS)]) == 0
    assert len(Store(store).articles()) == 5
    capsys.readouterr()
    assert cli.main([f"--store={store}", "stats"]) == 0
    assert "5" in capsys.readouterr().out
    assert cli.hoist_global_options(["--store", "s", "--schema", "t.toml", "review", "--blind"]) == \
        ["review", "--store", "s", "--schema", "t.toml", "--blind"]
    assert cli.hoist_global_options(["--store", "s", "articles/"]) == ["--store", "s", "articles/"]  # the app


def test_every_option_of_every_command_says_what_it_does():
    import argparse

    for parser in [cli.build_app_parser(), *next(a for a in cli.build_parser()._actions
                                                if isinstance(a, argparse._SubParsersAction)).choices.values()]:
        for action in parser._actions:
            if action.option_strings and not isinstance(action, argparse._HelpAction):
                assert action.help, f"{parser.prog} {action.option_strings[0]} has no help text"
