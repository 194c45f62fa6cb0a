"""Bulk input (issue 8): ``claimtag add`` of 10,000 articles and ``claimtag import`` of 100,000
pre-annotated spans into them, each in a fresh process as a user runs it, with every guarantee of the
store kept (durable, locked, logged, validated). Baseline in the same run: stock TinyDB's
``insert_multiple`` of the same 100,000 span records into one JSON file (no validation, no lock, no log,
no fsync): what the bare library costs for the same data."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

FIGURES: dict[str, dict[str, Any]] = {}
WORDS = "the of China AI bank said market growth claims policy report data model chips export".split()


def make_inputs(folder: Path, n_articles: int, per_article: int) -> tuple[Path, Path, list[dict[str, Any]]]:
    rng = random.Random(5)
    articles, spans, flat = folder / "articles.jsonl", folder / "spans.jsonl", []
    with open(articles, "w") as fa, open(spans, "w") as fs:
        for i in range(n_articles):
            text = " ".join(rng.choice(WORDS) for _ in range(300)) + "."
            fa.write(json.dumps({"id": f"doc-{i}", "text": text}) + "\n")
            claims = []
            for k in range(per_article):
                s = 20 * k + rng.randrange(0, 10)
                e = s + rng.randrange(5, 15)
                claims.append({"id": f"c{i}-{k}", "start": s, "end": e, "text": text[s:e], "type": "fact",
                               "stance": "favor", "target": "Chinese AI"})
            flat += [{"doc_id": f"doc-{i}", **c} for c in claims]
            fs.write(json.dumps({"doc_id": f"doc-{i}", "text": text, "annotator": "ann", "claims": claims}) + "\n")
    return articles, spans, flat


def timed_cli(*args: str) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "tui.main", *args], capture_output=True, text=True)
    took = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed")
    return took


def timed_python(code: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - t0


def stock_tinydb(path: Path, records: list[dict[str, Any]]) -> float:
    from tinydb import TinyDB

    t0 = time.perf_counter()
    TinyDB(path).table("claims").insert_multiple(records)
    return time.perf_counter() - t0


def run(workdir: Path, log: Callable[[str], None] = print, n_articles: int = 10_000, per_article: int = 10,
        **_: Any) -> list[tuple[str, str, str]]:
    articles, spans, flat = make_inputs(workdir, n_articles, per_article)
    store = str(workdir / "store")
    add_s = timed_cli("add", "--store", store, str(articles))
    log(f"added {n_articles:,} articles in {add_s:.1f} s")
    import_s = timed_cli("import", "--store", store, str(spans))
    log(f"imported {len(flat):,} spans in {import_s:.1f} s")
    both_s = timed_cli("import", "--store", str(workdir / "store2"), str(spans))
    for who in ("bob", "carol"):  # three annotators for `claimtag agree`
        other = workdir / f"spans-{who}.jsonl"
        other.write_text(spans.read_text().replace('"annotator": "ann"', f'"annotator": "{who}"')
                         .replace('"id": "c', f'"id": "{who}-c'))
        timed_cli("import", "--store", store, str(other))
    agree_s = timed_cli("agree", "--store", store)
    log(f"agree over {n_articles:,} articles x 3 annotators in {agree_s:.1f} s")
    similar_s = timed_python("from annotations.store import Store; from annotations.compare.similar import most_similar;"
                             f"assert most_similar(Store({store!r}), 'doc-17')")
    log(f"most similar articles over {n_articles:,} in {similar_s:.2f} s (fresh process)")
    where_s = timed_python("from annotations.store import Store; from annotations.compare.similar import where_else;"
                           f"assert where_else(Store({store!r}), 'the chips AI policy report China claims model growth')")
    log(f"where else a claim appears, over {n_articles:,}, in {where_s:.2f} s (fresh process)")
    stock_s = stock_tinydb(workdir / "stock.json", flat)
    FIGURES["agree_s"] = {"value": agree_s, "target": 3}
    FIGURES["similar_s"] = {"value": similar_s, "n": n_articles, "target": 1}
    FIGURES["where_else_s"] = {"value": where_s, "n": n_articles, "target": 1}
    FIGURES["add_articles_s"] = {"value": add_s, "n": n_articles, "target": 5}
    FIGURES["import_spans_s"] = {"value": import_s, "n": len(flat), "target": 5, "baseline": stock_s,
                                 "baseline_name": "stock TinyDB insert_multiple s"}
    return [
        (f"claimtag add, {n_articles:,} articles (fresh process)", f"{add_s:.1f} s",
         f"target <= 5 s; {n_articles / add_s:,.0f} articles/s"),
        (f"claimtag import, {len(flat):,} spans into them", f"{import_s:.1f} s",
         f"target <= 5 s; {len(flat) / import_s:,.0f} spans/s (was 263/s)"),
        ("  stock TinyDB insert_multiple of the same spans", f"{stock_s:.1f} s",
         f"import = {import_s / stock_s:.1f}x it (with validation, lock, log, fsync)"),
        ("claimtag import, spans and their articles at once", f"{both_s:.1f} s", "adds the articles too"),
        (f"claimtag agree, {n_articles:,} articles x 3 annotators x {per_article} claims", f"{agree_s:.1f} s",
         "target <= 3 s (issue 9)"),
        (f"articles most like one, over {n_articles:,} (index made by add)", f"{similar_s:.2f} s",
         "target <= 1 s (issue 13); a fresh process, Python start-up included"),
        (f"where else a claim appears, over {n_articles:,}", f"{where_s:.2f} s",
         "target <= 1 s (issue 13); 20 articles shortlisted by terms, then aligned sentence by sentence"),
    ]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for row in run(Path(tmp), n_articles=int(sys.argv[1]) if len(sys.argv) > 1 else 10_000):
            print(row)
