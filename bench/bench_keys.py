"""Keys per claim (issue 11): how many keys an annotator needs to select and tag claims in the seed
articles, found by a search over the reader's selection keys (ArticleSession, headless), not guessed.

Targets walk each article top to bottom: every sentence, as a whole-sentence claim, (one in three) one
of its clauses, or (one in eight) a partial span from a word inside the sentence to a clause's end (a
byline or a lead-in cut off); a realistic mix, since most claims are whole sentences. For each target the
fewest keys from where the previous claim left the selection (j k, c C w, l h L H, and F/T with the
character the target starts at / ends before: 2 keys) are found by a shortest-path search, plus one key to
tag. Prints the mean keys per claim and the keys for clause claims (goals: <= 3 on average including
moving there, a clause inside a sentence <= 5 from the sentence).
Run alone: .venv/bin/python bench/bench_keys.py
"""

from __future__ import annotations

import heapq
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from annotations.editing import ArticleSession  # noqa: E402
from annotations.schema import load_schema  # noqa: E402
from annotations.store import Store  # noqa: E402
from annotations.text.clauses import WORD, clauses  # noqa: E402

KEYS = {
    "j": lambda s: s.move_sentence(1), "k": lambda s: s.move_sentence(-1),
    "c": lambda s: s.next_clause(1), "C": lambda s: s.next_clause(-1), "w": lambda s: s.extend_clause(),
    "l": lambda s: s.extend_end(1), "h": lambda s: s.extend_end(-1),
    "L": lambda s: s.extend_start(1), "H": lambda s: s.extend_start(-1),
}
MAX_DEPTH = 12


def fewest_keys(session: ArticleSession, start: tuple[int, int], target: tuple[int, int]) -> int | None:
    text = session.text
    after_end = text[target[1]:].lstrip()[:1]
    moves = [(1, move) for move in KEYS.values()]  # (keys, move)
    moves.append((2, lambda s: s.to_character("start", text[target[0]])))  # F and the target's first character
    if after_end:
        moves.append((2, lambda s: s.to_character("end", after_end)))  # T and the character after its end
    seen = {start: 0}
    queue = [(0, start)]
    while queue:
        depth, selection = heapq.heappop(queue)
        if selection == target:
            return depth
        if depth > seen.get(selection, depth) or depth >= MAX_DEPTH:
            continue
        for cost, move in moves:
            session.selection = selection
            move(session)
            nxt = session.selection
            if depth + cost < seen.get(nxt, MAX_DEPTH + 1):
                seen[nxt] = depth + cost
                heapq.heappush(queue, (depth + cost, nxt))
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
        partial_keys: list[int] = []
        unreachable = 0
        for article in store.articles():
            text = store.text(article.sha256)
            session = ArticleSession(store, schema, article, "bench", sentences=store.sentences(article.sha256, text))
            here = session.selection
            for sentence in session.sentences:
                parts = clauses(text, *sentence)
                roll = rng.random()
                is_clause = len(parts) > 1 and roll < 1 / 3
                words = [m.start() for m in WORD.finditer(text, *sentence) if text[m.start()].isalnum()][1:]
                ends = [b for _, b in parts]
                is_partial = not is_clause and roll > 7 / 8 and bool(words)
                target = rng.choice(parts) if is_clause else sentence
                if is_partial:
                    a = rng.choice(words[: max(1, len(words) // 2)])
                    target = (a, rng.choice([b for b in ends if b > a] or [sentence[1]]))
                keys = fewest_keys(session, here, target)
                if keys is None:
                    unreachable += 1
                    continue
                total = keys + 1  # and the stance key
                all_keys.append(total)
                if is_clause:  # the goal's measure: from its sentence selected
                    clause_keys.append((fewest_keys(session, sentence, target) or 0) + 1)
                if is_partial:
                    partial_keys.append(total)
                here = target
    mean = sum(all_keys) / len(all_keys)
    print(f"keys per claim over the seed articles ({len(all_keys)} claims, {len(clause_keys)} of them clauses; "
          f"fewest keys found by search, moving there included):")
    print(f"  mean keys per claim: {mean:.2f}  (goal <= 3)")
    if clause_keys:
        print(f"  clause claims, from their sentence selected: mean {sum(clause_keys) / len(clause_keys):.2f}, "
              f"max {max(clause_keys)}  (goal: a clause inside a sentence <= 5)")
    if partial_keys:
        print(f"  partial spans (a word inside a sentence to a clause's end): mean "
              f"{sum(partial_keys) / len(partial_keys):.2f}, max {max(partial_keys)}")
    if unreachable:
        print(f"  {unreachable} target(s) not reachable within {MAX_DEPTH} keys")
    return 0


if __name__ == "__main__":
    sys.exit(main())
