"""Reading a schema: TOML text -> a validated ``Schema`` (``model.py``), or ``SchemaError``.

Read from a TOML file (``--schema FILE``, else ``claimtag.toml`` in the project folder, else the
built-in ``default_schema.toml``, whose comments document the format). Every problem is a
``SchemaError`` whose message is ``FILE:LINE: problem``, raised before any UI starts.
Key names are ``keys.py``, the actions and their default keys ``actions.py``; finding the TOML line
of a problem is ``toml_lines.py``.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.color import Color, ColorParseError
from rich.errors import StyleSyntaxError
from rich.style import Style

from ..errors import SchemaError
from .actions import ACTIONS, BY_ID, DEFAULT_KEYS, RESERVED_KEYS, SCOPES, in_scope
from .keys import key_problem, normalize_key
from .model import BUILTIN, PACKAGE_DIR, Choice, LabelSet, ReviewSettings, Schema
from .toml_lines import TomlLines

LineOf = Callable[..., int | None]

TOP_LEVEL = ("guidelines", "default_type", "default_target", "targets", "claim_types", "stances",
             "labels", "keys", "review")
REVIEW_FIELDS = ("reviewers", "blind")
CHOICE_FIELDS = ("name", "key", "color", "style")
LABEL_FIELDS = ("name", "choice", "values")


class _Parser:
    def __init__(self, text: str, source: str):
        self.where = TomlLines(text)
        self.source = source

    def fail(self, line: int | None, problem: str) -> SchemaError:
        return SchemaError(f"{self.source}:{line}: {problem}" if line else f"{self.source}: {problem}")

    def required(self, entry: dict[str, Any], field: str, what: str, line_of: LineOf) -> str:
        value = self.text_field(entry, field, what, line_of, True)
        assert value is not None
        return value

    def text_field(self, entry: dict[str, Any], field: str, what: str, line_of: LineOf,
                   required: bool) -> str | None:
        value = entry.get(field)
        if value is None:
            if required:
                raise self.fail(line_of(), f"{what} has no {field}")
            return None
        if not isinstance(value, str):
            raise self.fail(line_of(field), f"{what}: {field} must be a string, not {_tname(value)} ({value!r})")
        if not value.strip() or not value.isprintable():
            raise self.fail(line_of(field), f"{what}: {field} {value!r} is empty or has control characters")
        return value

    def choices(self, data: dict, section: str, what: str) -> tuple[Choice, ...]:
        items = data.get(section)
        if items is None or items == []:
            raise self.fail(self.where.top(section) or self.where.entry(section, 0),
                            f"{section}: at least one {what} is required ([[{section}]] with name and key)")
        if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
            raise self.fail(self.where.top(section) or self.where.entry(section, 0),
                            f"{section} must be a list of tables ([[{section}]] entries)")
        return tuple(self.choice(x, lambda f=None, v=None, i=i: self.where.entry(section, i, f, v),
                                 f"{what} {i + 1}") for i, x in enumerate(items))

    def choice(self, entry: dict[str, Any], line_of: LineOf, what: str) -> Choice:
        for field in entry:
            if field not in CHOICE_FIELDS:
                raise self.fail(line_of(field), f"{what}: " + _unknown(field, CHOICE_FIELDS, "field"))
        name = self.required(entry, "name", what, line_of)
        what = f"{what.rsplit(' ', 1)[0]} {name!r}"
        raw_key = self.required(entry, "key", what, line_of)
        key = normalize_key(raw_key)
        if problem := key_problem(key):
            raise self.fail(line_of("key"), f"{what}: {problem}")
        color = self.text_field(entry, "color", what, line_of, False)
        style = self.text_field(entry, "style", what, line_of, False)
        try:
            color is None or Color.parse(color)
        except ColorParseError:
            raise self.fail(line_of("color"), f"{what}: unknown colour {color!r} "
                                              "(use a name such as green, or #rrggbb)") from None
        try:
            if style is not None and Style.parse(style).link:
                raise self.fail(line_of("style"), f"{what}: style {style!r} may not contain a link")
        except StyleSyntaxError as exc:
            raise self.fail(line_of("style"), f"{what}: bad style {style!r} ({exc})") from None
        return Choice(name, key, color, style)

    def no_duplicates(self, items: Sequence[Any], attr: str, section: str, what: str,
                      sub_of: int | None = None) -> None:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            value = getattr(item, attr) if attr else item
            if value in seen:
                if sub_of is None:
                    line = self.where.entry(section, i, attr or None, value) if attr else self.where.top(section)
                else:
                    line = self.where.entry(section, sub_of, attr, value, sub=i)
                raise self.fail(line, f"{what}: {attr or 'value'} {value!r} is used twice "
                                      f"(entries {seen[value] + 1} and {i + 1})")
            seen[value] = i

    def label_sets(self, data: dict) -> tuple[LabelSet, ...]:
        items = data.get("labels", [])
        if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
            raise self.fail(self.where.top("labels") or self.where.entry("labels", 0),
                            "labels must be a list of tables ([[labels]] entries)")
        sets = []
        for i, entry in enumerate(items):
            at = lambda f=None, v=None, sub=None, i=i: self.where.entry("labels", i, f, v, sub)  # noqa: E731
            for field in entry:
                if field not in LABEL_FIELDS:
                    raise self.fail(at(field), f"label set {i + 1}: " + _unknown(field, LABEL_FIELDS, "field"))
            name = self.required(entry, "name", f"label set {i + 1}", at)
            what = f"label set {name!r}"
            choice = entry.get("choice", "single")
            if choice not in ("single", "multiple"):
                raise self.fail(at("choice"), f"{what}: choice must be \"single\" or \"multiple\", not {choice!r}")
            values = entry.get("values")
            if not values:
                raise self.fail(at("values") if "values" in entry else at("name", name),
                                f"{what}: at least one value is required (values = [{{name = ..., key = ...}}])")
            if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
                raise self.fail(at("values"), f"{what}: values must be a list of tables ({{name = ..., key = ...}})")
            parsed = tuple(self.choice(v, lambda f=None, val=None, j=j: at(f, val, j), f"value {j + 1}")
                           for j, v in enumerate(values))
            self.no_duplicates(parsed, "name", "labels", what, sub_of=i)
            self.no_duplicates(parsed, "key", "labels", what, sub_of=i)
            sets.append(LabelSet(name, choice == "multiple", parsed))
        self.no_duplicates(sets, "name", "labels", "labels")
        return tuple(sets)

    def keys(self, data: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        """``[keys]``: ``SCOPE.NAME = key(s)`` (a dotted key, or ``[keys.SCOPE]`` tables); a bare NAME
        is a reader action (as before actions had scopes)."""
        table = data.get("keys", {})
        if not isinstance(table, dict):
            raise self.fail(self.where.top("keys"), "keys must be a table ([keys] with action = \"key\")")
        keys = dict(DEFAULT_KEYS)
        for action, value in _flatten_keys(table):
            line = self.where.key_entry(action)
            if action not in BY_ID:
                raise self.fail(line, "keys: " + _unknown(action, BY_ID, "action"))
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not value or not all(isinstance(k, str) for k in value):
                raise self.fail(line, f"keys: {action} must be a key or a non-empty list of keys, "
                                      f"not {value!r}")
            names = tuple(normalize_key(k) for k in value)
            for k in names:
                if problem := key_problem(k):
                    raise self.fail(line, f"keys: {action}: {problem}")
                if BY_ID[action].scope == "prompt" and len(k) == 1 and k in string.printable:
                    raise self.fail(line, f"keys: {action}: {k!r} is typed text in a prompt; use a key such "
                                          "as enter, escape or ctrl+letter")
            if len(set(names)) != len(names):
                raise self.fail(line, f"keys: {action} lists the same key twice")
            keys[action] = names
        return keys

    def review(self, data: dict[str, Any]) -> ReviewSettings:
        table = data.get("review", {})
        line = self.where.top("review")
        if not isinstance(table, dict):
            raise self.fail(line, "review must be a table ([review] with reviewers = [...])")
        for name in table:
            if name not in REVIEW_FIELDS:
                raise self.fail(line, "review: " + _unknown(name, REVIEW_FIELDS, "setting"))
        reviewers = table.get("reviewers", [])
        if not isinstance(reviewers, list) or not all(isinstance(r, str) and r.strip() and r.isprintable()
                                                      for r in reviewers):
            raise self.fail(line, "review: reviewers must be a list of login names (empty: anyone may review)")
        blind = table.get("blind", False)
        if not isinstance(blind, bool):
            raise self.fail(line, f"review: blind must be true or false, not {_tname(blind)}")
        return ReviewSettings(tuple(reviewers), blind)

    def shared_keyboards(self, types: Sequence[Choice], stances: Sequence[Choice], label_sets: Sequence[LabelSet],
                         keys: dict[str, tuple[str, ...]], remapped: set[str]) -> None:
        """In each scope one owner per key: its actions and ``app.*``; in the reader also claim types and
        stances, in the labels dialog the label values."""
        schema_keys = {c.key for c in (*types, *stances)}
        for a in ACTIONS:  # a default key added since a schema was written gives way to its type/stance keys
            if a.yields and a.id not in remapped and a.scope in ("reader", "review"):
                keys[a.id] = tuple(k for k in keys[a.id] if k not in schema_keys)
        for scope in SCOPES:
            if scope == "app":
                continue
            claims: list[tuple[str, str, int | None]] = [  # defaults first: a clash is the file's doing
                (k, f"action {a.id}", self.where.key_entry(a.id) if a.id in remapped else None)
                for a in in_scope(scope) + in_scope("app") for k in keys[a.id]]
            if scope in ("reader", "review"):  # the review reader edits gold claims with the same keys
                claims += [(c.key, f"claim type {c.name!r}", self.where.entry("claim_types", i, "key"))
                           for i, c in enumerate(types)]
                claims += [(c.key, f"stance {c.name!r}", self.where.entry("stances", i, "key"))
                           for i, c in enumerate(stances)]
            if scope == "labels":
                claims += [(v.key, f"label value {ls.name}/{v.name}", self.where.entry("labels", i, "key", v.key, sub=j))
                           for i, ls in enumerate(label_sets) for j, v in enumerate(ls.values)]
            self.one_owner(claims, RESERVED_KEYS.get(scope, {}), scope)

    def one_owner(self, claims: list[tuple[str, str, int | None]], reserved: dict[str, str], scope: str) -> None:
        claims.sort(key=lambda c: -1 if c[2] is None else c[2])
        owners: dict[str, str] = {}
        for key, owner, line in claims:
            if key in reserved:
                raise self.fail(line, f"{owner}: key {key!r} is reserved for {reserved[key]}")
            previous = owners.get(key)
            if previous is not None and not (owner.startswith("label value") and previous.startswith("label value")):
                hint = " (remap the action in [keys])" if previous.startswith("action") else ""
                raise self.fail(line, f"{owner}: key {key!r} is already used by {previous} in {SCOPES[scope]}{hint}")
            owners[key] = owner


def _flatten_keys(table: dict[str, Any]) -> list[tuple[str, Any]]:
    """``[keys]`` as (action id, value): nested scope tables and dotted keys joined; bare names -> reader."""
    out = []
    for name, value in table.items():
        if isinstance(value, dict):
            out += [(f"{name}.{sub}", v) for sub, v in value.items()]
        else:
            out.append((name if "." in name else f"reader.{name}", value))
    return out


def _unknown(name: str, known: Iterable[str], what: str) -> str:
    import difflib  # only for a schema error: not on every start-up

    close = difflib.get_close_matches(name, list(known), n=1)
    return f"unknown {what} {name!r} ({f'did you mean {close[0]!r}?' if close else 'known: ' + ', '.join(known)})"


def _tname(value: Any) -> str:
    return {str: "a string", int: "a number", float: "a number", bool: "true/false", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def parse_schema(text: str, source: str, base_dir: Path | None = None) -> Schema:
    """Validate TOML text into a Schema; ``source`` names the file in messages."""
    p = _Parser(text, source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", msg)
        if m:
            hint = "; an unclosed string?" if msg.startswith("Illegal character '\\n'") else ""
            raise p.fail(int(m.group(1)), f"{msg[:m.start()]} (column {m.group(2)}{hint})") from None
        m = re.search(r"\s*\(at end of document\)$", msg)
        raise p.fail(text.count("\n", 0, len(text.rstrip())) + 1 if m else None,
                     msg[:m.start()] + " (at end of file)" if m else msg) from None
    for field in data:
        if field not in TOP_LEVEL:
            raise p.fail(p.where.top(field), _unknown(field, TOP_LEVEL, "setting"))
    types = p.choices(data, "claim_types", "claim type")
    p.no_duplicates(types, "name", "claim_types", "claim_types")
    stances = p.choices(data, "stances", "stance")
    p.no_duplicates(stances, "name", "stances", "stances")

    targets = data.get("targets")
    if not isinstance(targets, list) or not targets:
        raise p.fail(p.where.top("targets"), 'targets: at least one stance target is required (targets = ["..."])')
    if bad := [t for t in targets if not isinstance(t, str) or not t.strip() or not t.isprintable()]:
        raise p.fail(p.where.top("targets"), f"targets: {bad[0]!r} is not a non-empty string")
    p.no_duplicates(targets, "", "targets", "targets")

    defaults: dict[str, str] = {}
    for field, pool, default in (("default_type", [c.name for c in types], types[0].name),
                                 ("default_target", targets, targets[0])):
        value = data.get(field, default)
        if value not in pool:
            raise p.fail(p.where.top(field), f"{field} {value!r} is not one of {', '.join(map(repr, pool))}")
        defaults[field] = str(value)

    guidelines = data.get("guidelines")
    if guidelines is not None and (not isinstance(guidelines, str) or not guidelines.strip()):
        raise p.fail(p.where.top("guidelines"), "guidelines must be a file path (a string)")
    guidelines_path = (base_dir or Path()) / Path(guidelines).expanduser() if guidelines else None

    label_sets = p.label_sets(data)
    keys = p.keys(data)
    raw_keys = data.get("keys", {})
    p.shared_keyboards(types, stances, label_sets, keys, {a for a, _ in _flatten_keys(raw_keys)})
    return Schema(types, defaults["default_type"], stances, tuple(targets), defaults["default_target"],
                  label_sets, guidelines_path, keys, source, p.review(data))


def _builtin_text(name: str) -> str:
    return (PACKAGE_DIR / name).read_text(encoding="utf-8")


def _read(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SchemaError(f"{path}: no such schema file") from None
    except IsADirectoryError:
        raise SchemaError(f"{path}: is a folder, not a schema file") from None
    except OSError as exc:
        raise SchemaError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SchemaError(f"{path}:{line}: not UTF-8 text") from None


def load_schema(path: Path | None = None, project_dir: Path | None = None) -> Schema:
    """``path`` if given; else ``project_dir/claimtag.toml`` if it exists; else the built-in schema."""
    if path is None and project_dir is not None and (project_dir / "claimtag.toml").exists():
        path = project_dir / "claimtag.toml"
    if path is None:
        name = "default_schema.toml"
        schema = parse_schema(_builtin_text(name), str(PACKAGE_DIR / name))
        return replace(schema, guidelines_path=None, source=BUILTIN)
    path = Path(path)
    return parse_schema(_read(path), str(path), path.parent)
