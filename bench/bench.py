"""claimtag benchmark: ``python3 dev.py bench`` (or ``make bench``). Prints figures, asserts nothing.

Sections run in order, each returning rows of (measure, figure, target/note):

- ``bench_store.run``: the 10,000-article / 100,000-claim store (save latency, open +
  progress, export, memory, stock TinyDB for comparison);
- ``bench_bulk.run``: ``claimtag add`` of 10,000 articles and ``import`` of 100,000 spans (fresh
  processes), beside stock TinyDB's ``insert_multiple`` of the same records;
- ``bench_app.run`` if ``bench/bench_app.py`` exists: the app's timings (first frame,
  key press latency). It gets the same arguments: ``run(workdir, log=...)`` and may
  return ``[]``. Add further sections to ``SECTIONS``.
- any other ``bench/bench_*.py`` (the widget benchmarks): run as a script in a fresh
  process, its output printed after the table.

Options: ``--small`` (1,000 articles: a quick smoke run), ``--keep`` (keep the temp folder),
``--store-only`` (skip the scripts), ``--json FILE`` (also write the figures as JSON: every table row
as a named figure, plus each section's ``FIGURES`` with its baseline beside it, so a script can compare
runs). The table is plain text, ready to paste into the README.
"""

from __future__ import annotations

import importlib
import json
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

SECTIONS = ("bench_store", "bench_bulk", "bench_app")  # modules in bench/ with run(workdir, log=..., **options)


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def table(rows: list[tuple[str, str, str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    rule = "-" * max(len(line) for line in lines)
    return "\n".join([lines[0], rule, *lines[1:]])


def _number(figure: str) -> float | None:
    """The first number of a figure as printed ("12.3 / 15 ms" -> 12.3), for scripts."""
    m = re.search(r"-?\d[\d,]*(?:\.\d+)?", figure)
    return float(m.group().replace(",", "")) if m else None


def machine() -> str:
    import os

    return f"Python {platform.python_version()}, {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"


def main(argv: list[str]) -> int:
    small = "--small" in argv
    keep = "--keep" in argv
    workdir = Path(tempfile.mkdtemp(prefix="claimtag-bench-"))
    rows: list[tuple[str, str, str]] = [("measure", "figure", "target / note")]
    figures: dict[str, object] = {}
    json_out = Path(argv[argv.index("--json") + 1]) if "--json" in argv else None
    t0 = time.perf_counter()
    try:
        for name in SECTIONS:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                log(f"{name}: not present, skipped")
                continue
            section = workdir / name
            section.mkdir()
            options = {"n_articles": 1_000} if small and name in ("bench_store", "bench_bulk") else {}
            log(f"{name}: running")
            rows.extend(module.run(section, log=log, **options))
            figures.update({f"{name}.{k}": v for k, v in getattr(module, "FIGURES", {}).items()})
    finally:
        if keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"claimtag benchmark ({machine()}; {time.strftime('%Y-%m-%d')}; {time.perf_counter() - t0:.0f} s)")
    print(table(rows), flush=True)
    if json_out is not None:
        named = {f"table.{measure.strip()}": {"figure": figure, "value": _number(figure), "note": note}
                 for measure, figure, note in rows[1:]}
        json_out.write_text(json.dumps({"machine": machine(), "date": time.strftime("%Y-%m-%d"),
                                        "figures": {**figures, **named}}, indent=1) + "\n")
        log(f"figures written to {json_out}")
    for script in [] if "--store-only" in argv else sorted(HERE.glob("bench_*.py")):
        if script.stem in SECTIONS:
            continue
        log(f"{script.name}: running")
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=HERE.parent)
        print()
        print(done.stdout.rstrip() if done.returncode == 0 else
              f"{script.name}: failed ({(done.stderr.strip().splitlines() or ['?'])[-1]})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
