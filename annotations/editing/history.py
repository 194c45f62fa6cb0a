"""Undo and redo over the store: every edit is a (before, after) pair of records.

Undo writes ``before`` back through the store (or deletes what the edit created);
redo writes ``after``. Because each step goes through the store, undo is saved
and logged like any other change, and other processes see it.

Undo and redo act on one article (the one on screen): the history holds every article's edits, and
``undo(article_id)`` takes the last edit of that article. A step is refused (``Changed``) when the
item is no longer as the edit left it (the same annotator changed it in another session since):
undoing then would silently overwrite that later change.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import StoreError
from ..models import ArticleState, Claim
from ..store import Store


class Changed(StoreError):
    """The item changed since the edit (another session): the step is not applied."""


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


def article_of(edit: Edit) -> str:
    if isinstance(edit, ClaimEdit):
        claim = edit.after or edit.before
        return claim.article_id if claim is not None else ""
    return edit.before.article_id


def _same(a: Claim | None, b: Claim | None) -> bool:
    """The same claim content (times aside: a save stamps them)."""
    if a is None or b is None:
        return a is b
    keep = ("id", "start", "end", "type", "stance", "target", "note", "text_sha256", "annotator")
    return all(getattr(a, f) == getattr(b, f) for f in keep)


def _check_claim(store: Store, expected: Claim | None, edit: ClaimEdit) -> None:
    claim = edit.after or edit.before
    assert claim is not None
    now = next((c for c in store.claims(claim.article_id, claim.annotator) if c.id == claim.id), None)
    if not _same(now, expected):
        raise Changed(f"not undone: that claim changed since (in another session?): {edit.what}")


def _check_state(store: Store, expected: ArticleState, edit: StateEdit) -> None:
    now = store.state(expected.article_id, expected.annotator)
    if now.labels != expected.labels:
        raise Changed(f"not undone: the article labels changed since (in another session?): {edit.what}")


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

    @staticmethod
    def _last(edits: list[Edit], article_id: str | None) -> int | None:
        for i in range(len(edits) - 1, -1, -1):
            if article_id is None or article_of(edits[i]) == article_id:
                return i
        return None

    def undo(self, article_id: str | None = None) -> Edit | None:
        """Undo the last edit (of ``article_id``, if given). Raises ``Changed`` if the item changed since."""
        i = self._last(self._done, article_id)
        if i is None:
            return None
        edit = self._done[i]
        if isinstance(edit, ClaimEdit):
            _check_claim(self.store, edit.after, edit)
            _apply_claim(self.store, edit.after, edit.before)
        else:
            _check_state(self.store, edit.after, edit)
            _apply_state(self.store, edit.before)
        del self._done[i]
        self._undone.append(edit)
        return edit

    def redo(self, article_id: str | None = None) -> Edit | None:
        i = self._last(self._undone, article_id)
        if i is None:
            return None
        edit = self._undone[i]
        if isinstance(edit, ClaimEdit):
            _check_claim(self.store, edit.before, edit)
            _apply_claim(self.store, edit.before, edit.after)
        else:
            _check_state(self.store, edit.before, edit)
            _apply_state(self.store, edit.after)
        del self._undone[i]
        self._done.append(edit)
        return edit
