"""The wheel holds every subpackage and data file: built, unpacked, and run from there alone.

(pyproject.toml finds packages; a hand-kept list once left a new subpackage out of the wheel while the
editable install kept working.) The wheel is run with the test environment's dependencies but with
the repository itself kept off the import path, so only what the wheel carries can be imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_has_every_package_and_runs(tmp_path):
    dist = tmp_path / "dist"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(dist), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = dist.glob("claimtag-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("annotations", "tui"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".tcss", ".toml", ".md") and "__pycache__" not in path.parts:
                assert str(path.relative_to(ROOT)) in names, f"{path.relative_to(ROOT)} is missing from the wheel"
    assert any(n.endswith("entry_points.txt") for n in names)

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CLAIMTAG_STORE")}
    env["PYTHONPATH"] = str(site)
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    probe = ("import annotations, tui, sys; assert annotations.__file__.startswith(sys.argv[1]), annotations.__file__;"
             "assert tui.__file__.startswith(sys.argv[1]), tui.__file__")
    done = subprocess.run([sys.executable, "-c", probe, str(site)], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

    def claimtag(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", "import sys; from tui.main import main; sys.exit(main())", *args],
                              cwd=cwd, env=env, capture_output=True, text=True, timeout=120)

    assert "export" in claimtag("--help").stdout
    help_export = claimtag("export", "--help").stdout
    assert "native" in help_export and "doccano" in help_export
    store = str(tmp_path / "store")
    assert claimtag("add", "--store", store, str(ROOT / "seeds")).returncode == 0
    out = claimtag("export", "--store", store)
    assert out.returncode == 0, out.stderr
    assert claimtag("stats", "--store", store).returncode == 0  # the built-in schema ships in the wheel
    assert json.loads(out.stdout.splitlines()[0]) if out.stdout else True
