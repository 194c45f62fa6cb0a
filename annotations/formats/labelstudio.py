"""``labelstudio``: Label Studio's task list, a JSON array (Label Studio refuses JSONL and "trailing data"),
one task per (article, annotator, text version): ``data`` (``text``, ``doc_id``, ``title``, ``annotator``,
``status``, ``text_sha256``, ``stale``) and one annotation whose ``result`` holds per claim

- a ``labels`` region (``from_name`` ``label``: the claim type, ``value.start/end/text``: code points, as
  Label Studio >= 1.x counts them), its ``id`` the claim id;
- ``choices`` on the same region id for its stance (``stance``) and target (``target``), and a
  ``textarea`` (``note``) when it has a note (per-region controls, ``perRegion="true"``);

and per article label set a ``choices`` result on the whole text (``from_name`` ``article_<set>``). The
annotation keeps the claims' first ``created`` and last ``updated`` times (``created_at``,
``updated_at``), each region its own in ``meta``. ``--config-out FILE`` writes the labeling config these
names belong to, built from the schema. Import reads the same array back (Label Studio's own export
of such a project has the same shape; its ``completed_by`` numbers are not names: the task's
``data.annotator`` is, else ``--annotator``)."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import IO, Any

from ..errors import RefusedInput
from ..fileio import atomic_write
from .base import ExportContext, Format, Record, Unit, every_label
from .records import obj

LABEL, STANCE, TARGET, NOTE, ARTICLE = "label", "stance", "target", "note", "article_"


def build(u: Unit, text: str, ctx: ExportContext) -> list[Record]:
    result: list[Record] = []
    for c in u.claims:
        where = {"start": c.start, "end": c.end, "text": c.quote}
        region = {"id": c.id, "to_name": "text", "origin": "manual",
                  "meta": {"created": c.created, "updated": c.updated}}
        result.append({**region, "from_name": LABEL, "type": "labels", "value": {**where, "labels": [c.type]}})
        result.append({**region, "from_name": STANCE, "type": "choices", "value": {**where, "choices": [c.stance]}})
        result.append({**region, "from_name": TARGET, "type": "choices", "value": {**where, "choices": [c.target]}})
        if c.note:
            result.append({**region, "from_name": NOTE, "type": "textarea", "value": {**where, "text": [c.note]}})
    for name, values in every_label(u, ctx).items():
        if values:
            result.append({"id": f"{ARTICLE}{name}", "from_name": f"{ARTICLE}{name}", "to_name": "text",
                           "type": "choices", "origin": "manual", "value": {"choices": list(values)}})
    created = min((c.created for c in u.claims if c.created), default="")
    updated = max((c.updated for c in u.claims if c.updated), default="")
    annotation = {"result": result, "ground_truth": u.annotator == "gold", "was_cancelled": False}
    if created:
        annotation["created_at"] = created
    if updated:
        annotation["updated_at"] = updated
    data = {"text": text, "doc_id": u.doc_id, "title": u.article.title if u.article else "",
            "annotator": u.annotator, "status": u.state.status, "text_sha256": u.sha, "stale": u.stale}
    return [{"data": data, "annotations": [annotation]}]


def write_file(recs: Iterable[Record], fh: IO[bytes], ctx: ExportContext) -> int:
    n = 0
    fh.write(b"[")
    for rec in recs:
        fh.write((b",\n" if n else b"\n") + json.dumps(rec, ensure_ascii=False).encode("utf-8"))
        n += 1
    fh.write(b"\n]\n")
    if ctx.options.config_out is not None:
        atomic_write(ctx.options.config_out, labeling_config(ctx))
    return n


def quoteattr(value: str) -> str:
    """An XML attribute value, quoted (html.escape: xml.sax.saxutils would import urllib at every CLI start)."""
    return f'"{html.escape(value, quote=True)}"'


def labeling_config(ctx: ExportContext) -> str:
    """The Label Studio labeling config of the schema: the names the export's results use."""
    schema = ctx.schema

    def options(tag: str, names: Iterable[str], colours: dict[str, str] | None = None, indent: str = "    ") -> str:
        return "".join(f'{indent}<{tag} value={quoteattr(n)}'
                       + (f' background={quoteattr(colours[n])}' if colours and colours.get(n) else "") + "/>\n"
                       for n in names)
    types = [c.name for c in schema.claim_types] if schema else []
    stances = [c.name for c in schema.stances] if schema else []
    colours = {c.name: c.color for c in schema.claim_types if c.color} if schema else {}
    out = ["<View>\n", f'  <Labels name="{LABEL}" toName="text">\n', options("Label", types, colours), "  </Labels>\n",
           '  <Text name="text" value="$text"/>\n', '  <View visibleWhen="region-selected">\n',
           f'    <Header value="Stance"/>\n    <Choices name="{STANCE}" toName="text" perRegion="true" '
           'choice="single" required="true">\n', options("Choice", stances, indent="      "), "    </Choices>\n",
           f'    <Header value="Target"/>\n    <Choices name="{TARGET}" toName="text" perRegion="true" '
           'choice="single">\n', options("Choice", schema.targets if schema else [], indent="      "), "    </Choices>\n",
           f'    <TextArea name="{NOTE}" toName="text" perRegion="true" editable="true" maxSubmissions="1"/>\n',
           "  </View>\n"]
    for ls in schema.label_sets if schema else ():
        out += [f"  <Header value={quoteattr(ls.name)}/>\n",
                f'  <Choices name={quoteattr(ARTICLE + ls.name)} toName="text" '
                f'choice="{"multiple" if ls.multiple else "single"}">\n',
                options("Choice", (v.name for v in ls.values)), "  </Choices>\n"]
    out.append("</View>\n")
    return "".join(out)


def _one(value: Any, key: str, what: str) -> Any:
    items = obj(value, "value").get(key)
    if not isinstance(items, list) or len(items) != 1:
        raise RefusedInput(f"{what}: value.{key} is not a list of one")
    return items[0]


def read(rec: Record) -> Record | None:
    data = obj(rec.get("data"), "data")
    annotations = rec.get("annotations") or []
    if not isinstance(annotations, list) or not all(isinstance(a, dict) for a in annotations):
        raise RefusedInput("annotations is not a list of objects")
    live = [a for a in annotations if not a.get("was_cancelled")]
    if len(live) > 1:
        raise RefusedInput(f"{len(live)} annotations in one task: export one annotator per task (claimtag "
                           "export does)")
    result = live[0].get("result", []) if live else []
    if not isinstance(result, list) or not all(isinstance(r, dict) for r in result):
        raise RefusedInput("result is not a list of objects")
    claims: dict[str, Record] = {}
    labels: dict[str, list[str]] = {}
    for i, r in enumerate(result, 1):
        name, rid, value = r.get("from_name"), r.get("id"), r.get("value")
        what = f"result {i} ({name})"
        if isinstance(name, str) and name.startswith(ARTICLE):
            choices = obj(value, "value").get("choices", [])
            if not isinstance(choices, list):
                raise RefusedInput(f"{what}: value.choices is not a list")
            labels[name[len(ARTICLE):]] = choices
            continue
        if name not in (LABEL, STANCE, TARGET, NOTE):
            continue  # a control of another config: not claimtag's
        if not isinstance(rid, str) or not rid:
            raise RefusedInput(f"{what}: no region id")
        v = obj(value, "value")
        claim = claims.setdefault(rid, {"id": rid, "start": v.get("start"), "end": v.get("end"), "text": v.get("text")})
        meta = obj(r.get("meta"), "meta")
        for key in ("created", "updated"):
            if isinstance(meta.get(key), str):
                claim[key] = meta[key]
        if name == LABEL:
            claim["type"] = _one(v, "labels", what)
        elif name == STANCE:
            claim["stance"] = _one(v, "choices", what)
        elif name == TARGET:
            claim["target"] = _one(v, "choices", what)
        else:
            claim["note"] = " ".join(str(t) for t in (v.get("text") or []))
    for rid, claim in claims.items():
        if "type" not in claim:
            raise RefusedInput(f"region {rid}: a stance/target/note with no label region")
    status = data.get("status")
    return {"doc_id": data.get("doc_id", rec.get("id")), "title": data.get("title"), "meta": None,
            "annotator": data.get("annotator"), "status": status, "labels": labels if live else None,
            "stale": data.get("stale", False), "claims": list(claims.values())}


FORMAT = Format("labelstudio", "Label Studio tasks (a JSON array: labels regions, per-region stance/target/"
                "note choices, article labels as choices); --config-out writes the labeling config",
                build=build, read=read, write_file=write_file, whole_file=True,
                cannot_carry="article meta")
