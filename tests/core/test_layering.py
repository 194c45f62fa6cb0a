"""The headless core never imports textual, directly or through another module (checked in a fresh process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import importlib, pkgutil, sys
import annotations
names = ["annotations"]
for info in pkgutil.walk_packages(annotations.__path__, "annotations."):
    importlib.import_module(info.name)
    names.append(info.name)
bad = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual"))
print(len(names), " ".join(bad))
"""


def test_annotations_never_imports_textual():
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    n_modules, _, textual_modules = done.stdout.strip().partition(" ")
    assert int(n_modules) >= 5, "walk_packages found too few modules: is the probe importing the right package?"
    assert textual_modules == "", f"annotations/ pulled in: {textual_modules}"
