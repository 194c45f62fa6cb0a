"""``claimtag check`` reads the change logs: torn lines, changes left without their "applied" marker
by a killed process, and acknowledged changes the buckets no longer hold (a lost update).

The log is the exact record (``log.py``): every change with ``applied: true`` happened, so the newest
applied entry of each record must be what the store holds now. Compared per record kind:
claims whole (``claim.put`` / ``claim.delete``), review decisions and links whole (``decision.*``, ``link.*``), article labels of a state (``state.put``; status and
claim count are also changed by claim saves, which log the claim), the text of an article
(``article.put``). Entries written before the log had change ids (no ``tx``) are not compared: they
were written before the change with no marker, so they may record changes that never happened.
``repair``: marks settled changes and torn lines in the log, and puts lost changes back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..models import labels_problem, now_iso
from .buckets import Buckets, bucket_of
from .counts import recount
from .db import match, put
from .log import LogLine, read_logs
from .writes import put_state

Docs = list[tuple[str, dict[str, Any]]]  # (bucket, document)
Key = tuple[str, str]  # (what, key)


def _what(op: str) -> str:
    return op.split(".", 1)[0]


class _StoreNow:
    """What the store holds now, by the keys the log uses."""

    def __init__(self, docs: dict[str, Docs]):
        self.claims = {str(d.get("id")): d for _, d in docs["claims"]}
        self.states = {f"{d.get('article_id')}/{d.get('annotator')}": d for _, d in docs["states"]}
        self.articles = {str(d.get("id")): d for _, d in docs["corpus"]}
        self.decisions = {str(d.get("id")): d for _, d in docs.get("review", [])}
        self.links = {str(d.get("id")): d for _, d in docs.get("links", [])}

    def holds(self, op: str, key: str, after: Any) -> bool:
        what = _what(op)
        if what in ("claim", "decision", "link"):
            held = {"claim": self.claims, "decision": self.decisions, "link": self.links}[what]
            return held.get(key) == after if after is not None else key not in held
        if what == "state":
            now = self.states.get(key)
            want = after.get("labels") if isinstance(after, dict) else None
            return now is not None and now.get("labels") == want
        if what == "article":
            now = self.articles.get(key)
            return now is not None and isinstance(after, dict) and now.get("sha256") == after.get("sha256")
        return True  # an operation this version does not know: not compared


def check_logs(buckets: Buckets, docs: dict[str, Docs], broken: set[str], repair: bool,
               problems: list[str]) -> None:
    fs = buckets.fs
    applied: dict[str, bool] = {}
    torn: list[LogLine] = []
    marked_torn: set[tuple[Path, int]] = set()
    changes: dict[str, list[LogLine]] = {}
    for ll in read_logs(fs):
        e = ll.entry
        if e is None:
            torn.append(ll)
        elif "torn_line" in e:
            marked_torn.add((ll.file, e["torn_line"]))
        elif "op" not in e and isinstance(e.get("tx"), str):
            applied[e["tx"]] = applied.get(e["tx"], False) or e.get("applied") is True
        elif isinstance(e.get("tx"), str) and isinstance(e.get("op"), str) and isinstance(e.get("key"), str):
            changes.setdefault(e["tx"], []).append(ll)
    for ll in torn:
        if (ll.file, ll.line) not in marked_torn:
            problems.append(f"log/{ll.file.name}:{ll.line}: a torn line (a write cut short): not a change "
                            "(check --repair marks it)")
            if repair:
                _append(buckets, ll.file, {"torn_line": ll.line, "ts": now_iso()})
    now = _StoreNow(docs)
    # a change without its marker: the writer was killed between the log and the files (or just after).
    # It happened if the store holds its "after", or if a later change of the record started from it.
    befores: dict[Key, list[tuple[str, Any]]] = {}  # record -> (ts, before) of every change of it
    for group in changes.values():
        for ll in group:
            e = ll.entry or {}
            befores.setdefault((_what(e["op"]), e["key"]), []).append((str(e.get("ts")), e.get("before")))

    def happened(e: dict[str, Any]) -> bool:
        if now.holds(e["op"], e["key"], e.get("after")):
            return True
        ts = str(e.get("ts"))
        return any(t > ts and b == e.get("after") for t, b in befores.get((_what(e["op"]), e["key"]), []))

    for tx, group in changes.items():
        if tx in applied:
            continue
        entries = [ll.entry or {} for ll in group]
        if any(e.get("bucket") in broken for e in entries):
            continue
        done = all(happened(e) for e in entries)
        first = entries[0]
        problems.append(f"log/{group[0].file.name}:{group[0].line}: change {tx} ({first['op']} {first['key']}, "
                        f"{first.get('ts')}) was interrupted and is {'applied' if done else 'NOT applied'}; "
                        "not yet marked (check --repair marks it)")
        if repair:
            for file in dict.fromkeys(ll.file for ll in group):
                _append(buckets, file, {"tx": tx, "applied": done, "settled_by": "claimtag check", "ts": now_iso()})
        applied[tx] = done
    # the newest applied entry of each record must be what the store holds
    newest: dict[Key, LogLine] = {}
    for tx, group in changes.items():
        if not applied.get(tx):
            continue
        for ll in group:
            e = ll.entry or {}
            k = (_what(e["op"]), e["key"])
            old = newest.get(k)
            if old is None or str((old.entry or {}).get("ts")) <= str(e.get("ts")):
                newest[k] = ll
    for (what, key), ll in sorted(newest.items()):
        e = ll.entry or {}
        if e.get("bucket") in broken or now.holds(e["op"], key, e.get("after")):
            continue
        problems.append(f"{what} {key}: an acknowledged change is missing from the store ({e['op']} by "
                        f"{e.get('annotator')} at {e.get('ts')}, log/{ll.file.name}:{ll.line})"
                        + ("" if what in ("claim", "state", "decision", "link") else "; --repair cannot put it back"))
        if repair and what in ("claim", "state", "decision", "link"):
            _put_back(buckets, e)


def _append(buckets: Buckets, file: Path, marker: dict[str, Any]) -> None:
    buckets.fs.append(file, (json.dumps(marker) + "\n").encode("utf-8"))


def _put_back(buckets: Buckets, e: dict[str, Any]) -> None:
    """Re-apply a lost change from its log entry (logged again, by ``claimtag check``)."""
    after = e.get("after")
    if e["op"] in ("claim.put", "claim.delete"):
        before = e.get("before")
        rec = after if isinstance(after, dict) else before if isinstance(before, dict) else None
        if rec is None or not isinstance(rec.get("article_id"), str):
            return
        aid = rec["article_id"]
        with buckets.change(bucket_of(aid)) as change:
            claims, states = change.table("claims"), change.table("states")
            old = claims.get(match(id=e["key"]))
            if isinstance(after, dict):
                put(claims, old, after)
            elif old is not None:
                claims.remove(doc_ids=[old.doc_id])
            recount(claims, states, aid, {str(rec.get("annotator"))}, now_iso(), create=True)
            change.log("claimtag-check", e["op"], e["key"], None if old is None else dict(old), after)
    elif e["op"] in ("decision.put", "decision.delete", "link.put", "link.delete"):  # whole records
        before = e.get("before")
        rec = after if isinstance(after, dict) else before if isinstance(before, dict) else None
        if rec is None or not isinstance(rec.get("article_id"), str):
            return
        with buckets.change(bucket_of(rec["article_id"])) as change:
            table = change.table("review" if e["op"].startswith("decision") else "links")
            old = table.get(match(id=e["key"]))
            if isinstance(after, dict):
                put(table, old, after)
            elif old is not None:
                table.remove(doc_ids=[old.doc_id])
            change.log("claimtag-check", e["op"], e["key"], None if old is None else dict(old), after)
    elif e["op"] == "state.put" and isinstance(after, dict):
        aid, who = after.get("article_id"), after.get("annotator")
        if not isinstance(aid, str) or not isinstance(who, str):
            return
        if labels_problem(after.get("labels")):
            return
        with buckets.change(bucket_of(aid)) as change:
            put_state(change, aid, who, {"labels": after["labels"]})  # logged like any label change

