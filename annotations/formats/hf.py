"""``hf``: a Hugging Face ``DatasetDict`` saved with ``save_to_disk`` (``load_from_disk(DIR)`` opens it):
``train`` / ``validation`` / ``test`` splits (80/10/10) by article, seeded (``--seed``, default 0), so no
article's text is in two splits. One row per (article, annotator, text version), with explicit
``Features``, the same whatever the data:

``doc_id, title, text, text_sha256, annotator, status, stale``, ``labels`` (every label set of the schema,
a list of strings each, empty when unset), ``claims`` (a list of ``id, start, end, text, type, stance,
target, note, created, updated``), ``meta`` (the article's meta as a JSON string: its keys vary from
corpus to corpus, an Arrow struct could not hold them all).

Needs ``datasets`` (``pip install 'claimtag[hf]'``). Export only."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from typing import Any

from ..errors import ExportError
from .base import CLAIM_FIELDS, ExportContext, Format, Record, Unit, article_meta, claim_record, every_label
from .sinks import FolderSink

SPLITS = (("train", 0.8), ("validation", 0.1), ("test", 0.1))


def build(u: Unit, text: str, ctx: ExportContext) -> list[Record]:
    claims = [claim_record(c) for c in u.claims]
    return [{"doc_id": u.doc_id, "title": u.article.title if u.article else "", "text": text, "text_sha256": u.sha,
             "annotator": u.annotator, "status": u.state.status, "stale": u.stale, "labels": every_label(u, ctx),
             "claims": claims, "meta": json.dumps(article_meta(u), ensure_ascii=False, sort_keys=True)}]


def features(label_sets: Iterable[str]) -> Any:
    try:
        from datasets import Features, Value
    except ImportError:
        raise ExportError("the hf format needs Hugging Face datasets: pip install 'claimtag[hf]'") from None
    s = Value("string")
    claim = {f: Value("int64") if f in ("start", "end") else s for f in CLAIM_FIELDS}
    return Features({"doc_id": s, "title": s, "text": s, "text_sha256": s, "annotator": s, "status": s,
                     "stale": Value("bool"), "labels": {name: [s] for name in label_sets},
                     "claims": [claim], "meta": s})  # [x]: a list of x, in datasets 3 to 5


def split_of(doc_ids: list[str], seed: int) -> dict[str, str]:
    """Article id -> split: the articles shuffled with ``seed``, then cut 80/10/10 (each split gets at
    least one article once there are three)."""
    order = sorted(set(doc_ids))
    random.Random(seed).shuffle(order)
    n = len(order)
    n_val = max(1, round(n * SPLITS[1][1])) if n >= 3 else 0
    n_test = max(1, round(n * SPLITS[2][1])) if n >= 3 else 0
    out = {d: "validation" for d in order[:n_val]}
    out.update({d: "test" for d in order[n_val:n_val + n_test]})
    out.update({d: "train" for d in order[n_val + n_test:]})
    return out


def write_folder(recs: Iterable[Record], sink: FolderSink, ctx: ExportContext) -> int:
    recs = list(recs)
    sets = list(dict.fromkeys([*ctx.label_sets, *(k for r in recs for k in r["labels"])]))
    feats = features(sets)
    from datasets import Dataset, DatasetDict, disable_progress_bars

    disable_progress_bars()  # claimtag says what it wrote; datasets' bars would garble stderr

    for r in recs:
        r["labels"] = {k: r["labels"].get(k, []) for k in sets}
    where = split_of([r["doc_id"] for r in recs], ctx.options.seed)
    parts = {name: Dataset.from_list([r for r in recs if where[r["doc_id"]] == name], features=feats)
             for name, _ in SPLITS}
    DatasetDict(parts).save_to_disk(str(sink.tmp))
    return len(recs)


FORMAT = Format("hf", "a Hugging Face DatasetDict folder (load_from_disk): train/validation/test by article, "
                "explicit Features; needs datasets", build=build, write_folder=write_folder,
                cannot_carry="nothing but the form: the article meta is a JSON string; export only")
