"""Keys per claim (issue 11): how many keys an annotator needs to select and tag claims in the seed
articles, found by a search over the reader's selection keys (ArticleSession, headless), not guessed.

Targets walk each article top to bottom: every sentence, as a whole-sentence claim or (one in three) one
of its clauses; a realistic mix, since most claims are whole sentences. For each target the fewest keys
from where the previous claim left the selection (j k, c C w, l h L H) are found by breadth-first search,
plus one key to tag. Prints the mean keys per claim and the keys for clause claims (goals: <= 3 on
average including moving there, a clause inside a sentence <= 5). Run alone: .venv/bin/python bench/bench_keys.py
"""

from __future__ import annotations

import random
import sys
import tempfile
from collections import deque
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from annotations.editing import ArticleSession  # noqa: E402
from annotations.schema import load_schema  # noqa: E402
from annotations.store import Store  # noqa: E402
from annotations.text.clauses import clauses  # noqa: E402

KEYS = {
    "j": lambda s: s.move_sentence(1), "k": lambda s: s.move_sentence(-1),
    "c": lambda s: s.next_clause(1), "C": lambda s: s.next_clause(-1), "w": lambda s: s.extend_clause(),
    "l": lambda s: s.extend_end(1), "h": lambda s: s.extend_end(-1),
    "L": lambda s: s.extend_start(1), "H": lambda s: s.extend_start(-1),
}
MAX_DEPTH = 12


def fewest_keys(session: ArticleSession, start: tuple[int, int], target: tuple[int, int]) -> int | None:
    seen = {start}
    queue = deque([(start, 0)])
    while queue:
        selection, depth = queue.popleft()
        if selection == target:
            return depth
        if depth == MAX_DEPTH:
            continue
        for move in KEYS.values():
            session.selection = selection
            move(session)
            nxt = session.selection
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, depth + 1))
    return None


def main() -> int:
    from annotations.corpus import add_paths

    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store")
        import io

        add_paths(store, [HERE.parent / "seeds"], out=io.StringIO(), err=io.StringIO())
        schema = load_schema()
        all_keys: list[int] = []
        clause_keys: list[int] = []
        unreachable = 0
        for article in store.articles():
            text = store.text(article.sha256)
            session = ArticleSession(store, schema, article, "bench", sentences=store.sentences(article.sha256, text))
            here = session.selection
            for sentence in session.sentences:
                parts = clauses(text, *sentence)
                is_clause = len(parts) > 1 and rng.random() < 1 / 3
                target = rng.choice(parts) if is_clause else sentence
                keys = fewest_keys(session, here, target)
                if keys is None:
                    unreachable += 1
                    continue
                total = keys + 1  # and the stance key
                all_keys.append(total)
                if is_clause:
                    clause_keys.append(total)
                here = target
    mean = sum(all_keys) / len(all_keys)
    print(f"keys per claim over the seed articles ({len(all_keys)} claims, {len(clause_keys)} of them clauses; "
          f"fewest keys found by search, moving there included):")
    print(f"  mean keys per claim: {mean:.2f}  (goal <= 3)")
    if clause_keys:
        print(f"  clause claims: mean {sum(clause_keys) / len(clause_keys):.2f}, max {max(clause_keys)}  "
              f"(goal: a clause inside a sentence <= 5)")
    if unreachable:
        print(f"  {unreachable} target(s) not reachable within {MAX_DEPTH} keys")
    return 0


if __name__ == "__main__":
    sys.exit(main())
