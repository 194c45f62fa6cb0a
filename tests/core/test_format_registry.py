"""The format registry: a format is one module; the CLI's choices come from it; a folder format writes
its files through a FolderSink that is atomic as a whole."""

from __future__ import annotations

import io
import json
import sys
import types
from argparse import Namespace
from pathlib import Path

import pytest
from conftest import seed_articles

from annotations.cli import build_parser
from annotations.formats import registry
from annotations.formats.base import Format, Unit
from annotations.formats.export import run_export


def test_each_format_is_one_module_found_by_the_registry():
    found = registry.formats()
    assert {"native", "claims", "spacy", "doccano"} <= set(found)
    for name, fmt in found.items():
        assert sys.modules[f"annotations.formats.{fmt.name}"].FORMAT is fmt
    assert "claims" in registry.export_names() and "claims" not in registry.import_names()


def test_cli_choices_and_help_come_from_the_registry():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices
    fmt = next(a for a in sub["export"]._actions if a.dest == "format")
    assert list(fmt.choices) == registry.export_names()
    assert "doccano:" in fmt.help and "cannot carry" in fmt.help


def test_opening_the_app_imports_no_format():
    import subprocess

    code = ("import sys, annotations.cli.commands as m; m.build_app_parser();"
            "print(any(k.startswith('annotations.formats') for k in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "False"


@pytest.fixture
def folder_format(monkeypatch):
    """A folder format declared as a module would declare it: one .txt per record."""

    def build(u: Unit, text: str, ctx) -> list[dict]:
        return [{"id": u.doc_id, "text": text, "n": len(u.claims)}]

    def write_folder(recs, sink, ctx) -> int:
        n = 0
        for rec in recs:
            sink.write(f"{rec['id']}.txt", rec["text"])
            n += 1
        sink.write("index.json", json.dumps({"records": n}))
        return n

    module = types.ModuleType("annotations.formats.toyfolder")
    module.FORMAT = Format("toyfolder", "a folder of texts", build=build, write_folder=write_folder)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    formats = dict(registry.formats())
    formats["toyfolder"] = module.FORMAT
    monkeypatch.setattr(registry, "formats", lambda: formats)
    return module.FORMAT


def test_a_folder_format_exports_through_an_atomic_folder(seeded_store, folder_format, tmp_path, schema):
    from annotations.editing import ArticleSession

    art = seeded_store.articles()[0]
    ArticleSession(seeded_store, schema, art, "alice").tag("favor")
    out = tmp_path / "export"
    err = io.StringIO()
    args = Namespace(format="toyfolder", output=out, annotator=None, status=None, allow_stale=False)
    assert run_export(seeded_store, args, err=err) == 0
    assert sorted(p.name for p in out.iterdir()) == [f"{art.id}.txt", "index.json"]
    assert (out / f"{art.id}.txt").read_text() == seeded_store.text(art.sha256)
    (out / "stray.txt").write_text("from an older export")
    assert run_export(seeded_store, args, err=err) == 0  # replaced as a whole
    assert not (out / "stray.txt").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export")]  # no temp folder left
    args.output = None
    assert run_export(seeded_store, args, err=err) == 2 and "-o FOLDER" in err.getvalue()


def test_a_failing_folder_export_leaves_the_old_folder(seeded_store, folder_format, tmp_path, monkeypatch):
    out = tmp_path / "export"
    args = Namespace(format="toyfolder", output=out, annotator=None, status=None, allow_stale=False)
    seeded_store.set_state(seed_articles()[0].id, "alice", status="done")
    assert run_export(seeded_store, args, err=io.StringIO()) == 0
    before = sorted(p.name for p in out.iterdir())

    def broken(recs, sink, ctx):
        sink.write("partial.txt", "x")
        raise OSError(28, "No space left on device")

    formats = registry.formats()
    formats["toyfolder"] = Format("toyfolder", "broken", build=folder_format.build, write_folder=broken)
    err = io.StringIO()
    assert run_export(seeded_store, args, err=err) == 2
    assert "No space left" in err.getvalue()
    assert sorted(p.name for p in out.iterdir()) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export")]
