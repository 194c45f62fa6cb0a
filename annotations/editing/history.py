"""Undo and redo over the store: every edit is a (before, after) pair of records.

Undo writes ``before`` back through the store (or deletes what the edit created);
redo writes ``after``. Because each step goes through the store, undo is saved
and logged like any other change, and other processes see it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import ArticleState, Claim
from ..store import Store


@dataclass(frozen=True)
class ClaimEdit:
    before: Claim | None  # None: the edit created the claim
    after: Claim | None   # None: the edit deleted the claim
    what: str             # for the status line: "tagged favor", "deleted claim", ...


@dataclass(frozen=True)
class StateEdit:
    before: ArticleState
    after: ArticleState
    what: str


Edit = ClaimEdit | StateEdit


def _apply_claim(store: Store, current: Claim | None, target: Claim | None) -> None:
    if target is None:
        if current is not None:
            store.delete_claim(current.article_id, current.id, current.annotator)
    else:
        store.save_claim(target)


def _apply_state(store: Store, state: ArticleState) -> None:
    store.set_state(state.article_id, state.annotator, status=state.status, labels=state.labels)


class History:
    """Any number of undo/redo steps, across claims and article labels."""

    def __init__(self, store: Store):
        self.store = store
        self._done: list[Edit] = []
        self._undone: list[Edit] = []

    def record(self, edit: Edit) -> None:
        self._done.append(edit)
        self._undone.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    def undo(self) -> Edit | None:
        if not self._done:
            return None
        edit = self._done.pop()
        if isinstance(edit, ClaimEdit):
            _apply_claim(self.store, edit.after, edit.before)
        else:
            _apply_state(self.store, edit.before)
        self._undone.append(edit)
        return edit

    def redo(self) -> Edit | None:
        if not self._undone:
            return None
        edit = self._undone.pop()
        if isinstance(edit, ClaimEdit):
            _apply_claim(self.store, edit.before, edit.after)
        else:
            _apply_state(self.store, edit.after)
        self._done.append(edit)
        return edit
