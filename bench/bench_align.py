"""Alignment quality (issue 13) on the hand-paired sentences of seed articles 000 and 001
(tests/data/pairs_000_001.json): precision@1 of the "same" pairs, each way, and how many sentences
without a counterpart get one anyway at the default threshold. Goals: every same pair the top
candidate; at most 1 in 10 unmatched sentences falsely matched. Run alone: .venv/bin/python bench/bench_align.py
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from annotations.compare.pairing import quality  # noqa: E402
from annotations.corpus import add_paths  # noqa: E402
from annotations.store import Store  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store")
        add_paths(store, [HERE.parent / "seeds"], out=io.StringIO(), err=io.StringIO())
        q = quality(store, HERE.parent / "tests" / "data" / "pairs_000_001.json")
    print(f"sentence alignment, seed 000 vs 001 (hand-paired; threshold {q.threshold}):")
    print(f"  precision@1 of 'same' pairs: 000->001 {q.top_a}/{q.same} ({q.top_a / q.same:.0%}), "
          f"001->000 {q.top_b}/{q.same} ({q.top_b / q.same:.0%})  (goal: all)")
    print(f"  sentences without a counterpart given one: {q.false_matches}/{q.unmatched} "
          f"({q.false_matches / q.unmatched:.0%})  (goal <= 10%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
