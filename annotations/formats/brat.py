"""``brat``: a folder brat serves as a collection: per (article, annotator) ``NAME.txt``, the stored text
byte for byte (UTF-8), and ``NAME.ann``, its standoff annotations; ``annotation.conf`` from the schema.

- ``T`` lines, one per claim: ``T3<TAB>fact 10 52<TAB>quote``, the claim type as the entity type, offsets
  in characters (code points, as brat counts them). A claim that crosses a line end is written as
  fragments (``10 20;21 52``) and its text with a space for each line end, as brat wants;
- ``A`` lines: ``Stance`` and ``Target`` attributes of each claim (brat values cannot hold spaces:
  ``US_AI_policy``, listed in ``annotation.conf``);
- ``#`` lines: ``AnnotatorNotes`` with the claim's note.
NAME is the article id, with ``.ANNOTATOR`` when several annotators are exported; characters a file
name cannot hold become ``_`` (then a short hash keeps names apart). Export only."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from .base import ExportContext, Format, Record, Unit
from .sinks import FolderSink

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
_UNSAFE_VALUE = re.compile(r"[^A-Za-z0-9_-]")


def brat_value(name: str) -> str:
    """A type or attribute value as brat accepts it (letters, digits, _ and -)."""
    return _UNSAFE_VALUE.sub("_", name) or "_"


def file_name(doc_id: str, annotator: str | None) -> str:
    name = doc_id if annotator is None else f"{doc_id}.{annotator}"
    safe = _UNSAFE_NAME.sub("_", name).lstrip(".") or "_"
    if safe != name:
        safe += "-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return safe


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span cut at line ends (brat draws a span on one line)."""
    out, a = [], start
    for i in range(start, end):
        if text[i] == "\n":
            if i > a:
                out.append((a, i))
            a = i + 1
    if end > a:
        out.append((a, end))
    return out or [(start, end)]


def build(u: Unit, text: str, ctx: ExportContext) -> list[Record]:
    lines: list[str] = []
    a = 0
    for t, c in enumerate(u.claims, 1):
        parts = fragments(text, c.start, c.end)
        where = ";".join(f"{s} {e}" for s, e in parts)
        lines.append(f"T{t}\t{brat_value(c.type)} {where}\t{' '.join(text[s:e] for s, e in parts)}")
        for name, value in (("Stance", c.stance), ("Target", c.target)):
            a += 1
            lines.append(f"A{a}\t{name} T{t} {brat_value(value)}")
        if c.note:
            lines.append(f"#{t}\tAnnotatorNotes T{t}\t{' '.join(c.note.split())}")
    return [{"doc_id": u.doc_id, "annotator": u.annotator, "text": text, "ann": "".join(f"{ln}\n" for ln in lines),
             "types": sorted({c.type for c in u.claims}), "stances": sorted({c.stance for c in u.claims}),
             "targets": sorted({c.target for c in u.claims})}]


def annotation_conf(ctx: ExportContext, seen: dict[str, set[str]]) -> str:
    schema = ctx.schema
    types = [c.name for c in schema.claim_types] if schema is not None else []
    stances = [c.name for c in schema.stances] if schema is not None else []
    targets = list(schema.targets) if schema is not None else []
    for have, more in ((types, seen["types"]), (stances, seen["stances"]), (targets, seen["targets"])):
        have += sorted(more - set(have))  # values in the data the schema does not list

    def values(names: list[str]) -> str:
        return "|".join(dict.fromkeys(brat_value(n) for n in names)) or "none"
    return ("# claimtag: claim types as entities; stance and target as attributes\n"
            "[entities]\n" + "".join(f"{brat_value(t)}\n" for t in types) +
            "\n[relations]\n\n[events]\n\n[attributes]\n"
            f"Stance\tArg:<ENTITY>, Value:{values(stances)}\n"
            f"Target\tArg:<ENTITY>, Value:{values(targets)}\n")


def write_folder(recs: Iterable[Record], sink: FolderSink, ctx: ExportContext) -> int:
    recs = list(recs)
    several = len({r["annotator"] for r in recs}) > 1
    seen: dict[str, set[Any]] = {"types": set(), "stances": set(), "targets": set()}
    used: set[str] = set()
    for r in recs:
        name = file_name(r["doc_id"], r["annotator"] if several else None)
        k = 1
        while name in used:  # an older text of the same article: its own files
            k += 1
            name = f"{file_name(r['doc_id'], r['annotator'] if several else None)}.v{k}"
        used.add(name)
        sink.write(f"{name}.txt", r["text"].encode("utf-8"))
        sink.write(f"{name}.ann", r["ann"].encode("utf-8"))
        for key in seen:
            seen[key].update(r[key])
    sink.write("annotation.conf", annotation_conf(ctx, seen))
    return len(recs)


FORMAT = Format("brat", "a brat collection folder: NAME.txt (the text, byte-exact), NAME.ann (T claims, "
                "Stance/Target attributes, notes), annotation.conf", build=build, write_folder=write_folder,
                cannot_carry="article labels, claim ids, times; export only")
