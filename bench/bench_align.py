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


def big_text(seed: int, size: int) -> str:
    """A text of ``size`` characters: sentences made of runs of the seed articles' words, shuffled."""
    import random

    words = " ".join(p.read_text(encoding="utf-8") for p in sorted((HERE.parent / "seeds").glob("*.txt"))).split()
    rnd, out, n = random.Random(seed), [], 0
    while n < size:
        k = rnd.randint(8, 30)
        i = rnd.randint(0, len(words) - k)
        out.append(" ".join(words[i:i + k]).rstrip(".") + ".")
        n += len(out[-1]) + 1
    return " ".join(out)


def open_big_pair() -> tuple[float, float, float]:
    """Seconds to open a compare view on two 1 MB texts (sentences counted), to open it again (features
    read from the cache) and to align one sentence."""
    import time

    from annotations.compare.session import CompareSession

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "texts"
        folder.mkdir()
        for i in (0, 1):
            (folder / f"big{i}.txt").write_text(big_text(i, 1_000_000), encoding="utf-8")
        store = Store(Path(tmp) / "store")
        add_paths(store, [folder], out=io.StringIO(), err=io.StringIO())
        ids = [a.id for a in store.articles()]
        t0 = time.perf_counter()
        CompareSession(store, "bench", *ids)
        t1 = time.perf_counter()
        session = CompareSession(store, "bench", *ids)
        t2 = time.perf_counter()
        session.move(1)
        t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store")
        add_paths(store, [HERE.parent / "seeds"], out=io.StringIO(), err=io.StringIO())
        q = quality(store, HERE.parent / "tests" / "data" / "pairs_000_001.json")
    print(f"sentence alignment, seed 000 vs 001 (hand-paired; floor {q.floor}, margin >= 0):")
    print(f"  precision@1 of 'same' pairs: 000->001 {q.top_a}/{q.same} ({q.top_a / q.same:.0%}), "
          f"001->000 {q.top_b}/{q.same} ({q.top_b / q.same:.0%})  (goal: all)")
    print(f"  'same' pairs shown as each other's counterpart: {q.given}/{q.same}")
    print(f"  sentences without a counterpart given one: {q.false_matches}/{q.unmatched} "
          f"({q.false_matches / q.unmatched:.0%})  (goal <= 10%)")
    first, again, key = open_big_pair()
    print(f"compare view on two 1 MB texts: first open {first:.2f} s (sentences counted), again {again:.2f} s "
          f"(features from the cache), one sentence aligned {key:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
