#!/usr/bin/env python3
"""Set-up and run claimtag on a machine that has only python3.

    python3 dev.py run     # make .venv, install claimtag, open the app on seeds/
    python3 dev.py test    # make .venv, install claimtag with its test extras, the static checks
                           # (ruff, mypy on annotations/, import-linter contracts), then the tests
    python3 dev.py bench   # the benchmark (prints figures, asserts nothing)

The virtual environment lives in .venv/ beside this file; installs are skipped
when pyproject.toml has not changed since the last one.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


STATIC_CHECKS = (
    ("ruff", "check", "--quiet", "annotations", "tui", "tests", "bench", "dev.py"),
    ("mypy",),  # files and strictness: [tool.mypy] in pyproject.toml
    ("lint-imports",),  # contracts: [tool.importlinter] in pyproject.toml
)


def ensure_env(extras: str = "") -> None:
    if not PY.exists():
        print("dev.py: creating .venv", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed{extras}"
    want = hashlib.sha256((HERE / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == want:
        return
    target = f"{HERE}[{extras}]" if extras else str(HERE)
    print(f"dev.py: installing claimtag{f'[{extras}]' if extras else ''} into .venv", file=sys.stderr)
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", target], check=True)
    stamp.write_text(want)


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "run"
    rest = argv[1:]
    if cmd == "run":
        ensure_env()
        store = os.environ.get("CLAIMTAG_STORE", str(HERE / ".claimtag-demo"))
        return subprocess.call([str(BIN / "claimtag"), "--store", store, str(HERE / "seeds"), *rest])
    if cmd == "test":
        ensure_env("test")
        if not rest:  # `dev.py test some/test.py` runs just those tests
            for check in STATIC_CHECKS:
                print(f"dev.py: {' '.join(check)}", file=sys.stderr, flush=True)
                if subprocess.call([str(BIN / check[0]), *check[1:]], cwd=HERE):
                    print(f"dev.py: {check[0]} failed", file=sys.stderr)
                    return 1
        return subprocess.call([str(PY), "-m", "pytest", *rest], cwd=HERE)
    if cmd == "bench":
        ensure_env("test")
        return subprocess.call([str(PY), str(HERE / "bench" / "bench.py"), *rest], cwd=HERE)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
