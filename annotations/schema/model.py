"""The label schema as the rest of claimtag sees it: claim types, stances, targets, article label
sets, the keymap (every action id -> its keys) and the guidelines. ``parse.py`` builds it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ..text.display import strip_controls_md
from .keys import normalize_key

PACKAGE_DIR = Path(__file__).resolve().parent  # the built-in schema and guidelines ship beside this file
BUILTIN = "built-in"

T = TypeVar("T")


@dataclass(frozen=True)
class Choice:
    name: str
    key: str
    color: str | None = None
    style: str | None = None


@dataclass(frozen=True)
class LabelSet:
    name: str
    multiple: bool
    values: tuple[Choice, ...]

    def value(self, name: str) -> Choice | None:
        return _pick(self.values, lambda c: c.name == name)

    def value_by_key(self, key: str) -> Choice | None:
        key = normalize_key(key)
        return _pick(self.values, lambda c: c.key == key)


@dataclass(frozen=True)
class ReviewSettings:
    """``[review]``: who may review (login names; empty: anyone) and whether review is blind."""

    reviewers: tuple[str, ...] = ()
    blind: bool = False


@dataclass(frozen=True)
class Schema:
    claim_types: tuple[Choice, ...]
    default_type: str
    stances: tuple[Choice, ...]
    targets: tuple[str, ...]
    default_target: str
    label_sets: tuple[LabelSet, ...]
    guidelines_path: Path | None
    keys: dict[str, tuple[str, ...]]  # action id (``reader.undo``) -> keys, every action of actions.ACTIONS
    source: str
    review: ReviewSettings = ReviewSettings()

    def guidelines_text(self) -> str:
        path = self.guidelines_path or PACKAGE_DIR / "default_guidelines.md"
        try:
            return strip_controls_md(path.read_text(encoding="utf-8", errors="replace"))
        except OSError as exc:
            return f"*The guidelines file {path} cannot be read ({exc.strerror or exc}).*"

    def claim_type(self, name: str) -> Choice | None:
        return _pick(self.claim_types, lambda c: c.name == name)

    def stance(self, name: str) -> Choice | None:
        return _pick(self.stances, lambda c: c.name == name)

    def label_set(self, name: str) -> LabelSet | None:
        return _pick(self.label_sets, lambda s: s.name == name)

    def type_by_key(self, key: str) -> Choice | None:
        key = normalize_key(key)
        return _pick(self.claim_types, lambda c: c.key == key)

    def stance_by_key(self, key: str) -> Choice | None:
        key = normalize_key(key)
        return _pick(self.stances, lambda c: c.key == key)

    def keys_of(self, scope: str) -> dict[str, tuple[str, ...]]:
        """{action name: keys} of one scope (``reader``, ``list``, ...)."""
        prefix = scope + "."
        return {a[len(prefix):]: k for a, k in self.keys.items() if a.startswith(prefix)}

    def action_for_key(self, key: str, scope: str = "reader") -> str | None:
        """The id of the action ``key`` runs in ``scope`` (None: no action there)."""
        key = normalize_key(key)
        return next((f"{scope}.{a}" for a, keys in self.keys_of(scope).items() if key in keys), None)


def _pick(items: Iterable[T], test: Callable[[T], bool]) -> T | None:
    return next((item for item in items if test(item)), None)
