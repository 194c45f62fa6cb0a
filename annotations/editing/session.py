"""One annotator working on one article: selection, claims, labels, undo.

This is the reader screen's logic as plain Python: the screen turns keys into
calls here and draws the result, and tests drive it without a UI.
The selection is a (start, end) span of code points into the stored text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..errors import EditRefused, StoreError
from ..models import (
    Article,
    ArticleState,
    Claim,
    Progress,
    claim_order,
    next_target,
    status_after_claims,
    toggled_label,
)
from ..schema import Schema
from ..store import Store
from ..text.clauses import clauses, quoted, to_character, word_step
from .history import ClaimEdit, Edit, History, StateEdit


def line_spans(text: str) -> list[tuple[int, int]]:
    """Non-empty lines, stripped: a quick stand-in until the real sentences are computed."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        left = len(line) - len(line.lstrip())
        right = len(line.rstrip())
        if right > left:
            spans.append((m.start() + left, m.start() + right))
    return spans or [(0, len(text))]


@dataclass(frozen=True)
class Done:
    """What an edit did: ``what`` for the status line, and the claim or state as saved."""

    what: str
    claim: Claim | None = None  # the claim as saved; None for a deletion or a state change
    state: ArticleState | None = None


def next_article(rows: Sequence[Progress], current_id: str) -> Progress | None:
    """After ``current_id`` is done: the next article (in list order, wrapping) still to do, else one
    still in progress, else None. ``rows`` are ``Progress`` records."""
    ids = [r.article.id for r in rows]
    here = ids.index(current_id) if current_id in ids else -1
    ordered = list(rows[here + 1:]) + list(rows[:here])
    return next((r for r in ordered if r.status == "todo"), None) \
        or next((r for r in ordered if r.status != "done"), None)


class ArticleSession:
    def __init__(self, store: Store, schema: Schema, article: Article, annotator: str,
                 sentences: list[tuple[int, int]] | None = None, history: History | None = None):
        self.store = store
        self.schema = schema
        self.article = article
        self.annotator = annotator
        self.text = store.text(article.sha256)
        self.history = history or History(store)
        self.sentences = sentences or line_spans(self.text)
        self.sentences_exact = sentences is not None  # False: lines stand in until set_sentences
        self._sentence_starts = [s for s, _ in self.sentences]
        self.claims: list[Claim] = []
        self.stale: list[Claim] = []
        self.focus_id: str | None = None  # of several claims on the selection's span, the one keys act on
        self.state: ArticleState = ArticleState(article.id, annotator)
        self.reload()
        first = self.sentences[0] if self.sentences else (0, min(1, len(self.text)))
        self.selection: tuple[int, int] = first

    # -- data ---------------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read claims and state (after another process changed them). Claims made on an older
        text of the article go to ``stale``: shown as needing review, never drawn at shifted offsets."""
        mine = self.store.claims(self.article.id, self.annotator)
        self.claims = [c for c in mine if c.text_sha256 == self.article.sha256]
        self.stale = [c for c in mine if c.text_sha256 != self.article.sha256]
        self.state = self.store.state(self.article.id, self.annotator)

    def set_sentences(self, spans: list[tuple[int, int]]) -> None:
        """Swap in the real sentence boundaries; the selection stays where it is."""
        if spans:
            self.sentences = spans
            self._sentence_starts = [s for s, _ in spans]
            self.sentences_exact = True

    # -- selection ------------------------------------------------------------------------------

    def sentence_index(self, offset: int | None = None) -> int:
        offset = self.selection[0] if offset is None else offset
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        return max(0, min(i, len(self.sentences) - 1))

    def move_sentence(self, delta: int) -> None:
        i = self.sentence_index()
        start, end = self.sentences[i]
        if delta > 0 and self.selection[0] < start:
            i -= 1  # selection before the first sentence
        i = max(0, min(len(self.sentences) - 1, i + delta))
        self.selection = self.sentences[i]

    def select(self, start: int, end: int) -> None:
        start = max(0, min(start, len(self.text)))
        end = max(start + 1, min(end, len(self.text)))
        self.selection = (start, end)

    def select_sentence_at(self, offset: int) -> None:
        self.selection = self.sentences[self.sentence_index(offset)]

    def extend_end(self, words: int = 1) -> None:
        """Move the end of the selection by whole words (negative: shrink; never empty)."""
        self.selection = word_step(self.text, *self.selection, "end", words)

    def extend_start(self, words: int = 1) -> None:
        """Move the start of the selection by whole words (positive: earlier, negative: shrink)."""
        self.selection = word_step(self.text, *self.selection, "start", words)

    # -- clauses and quotes (where claims are cut inside a sentence) ---------------------------------

    def _sentence_of(self, offset: int) -> tuple[int, int]:
        return self.sentences[self.sentence_index(offset)]

    def next_clause(self, delta: int = 1) -> None:
        """Select the next (``delta`` -1: previous) clause of the sentence; past its last (first) clause, the
        first (last) clause of the next (previous) sentence. From a whole sentence: its first (last) clause."""
        start, end = self.selection
        i = self.sentence_index(start)
        parts = clauses(self.text, *self.sentences[i])
        if (start, end) in parts:
            k = parts.index((start, end)) + delta
        else:
            k = 0 if delta > 0 else len(parts) - 1
            inside = [n for n, (a, b) in enumerate(parts) if a <= start < b]
            if inside and (start, end) != self.sentences[i]:
                k = inside[0] + (delta if delta > 0 else 0)
        if not 0 <= k < len(parts):
            i = max(0, min(len(self.sentences) - 1, i + delta))
            parts = clauses(self.text, *self.sentences[i])
            k = 0 if delta > 0 else len(parts) - 1
        self.selection = parts[k]

    def extend_clause(self) -> None:
        """Make the selection end where the next clause of its sentence ends (clauses joined)."""
        start, end = self.selection
        parts = clauses(self.text, *self._sentence_of(start))
        later = [b for a, b in parts if b > end]
        if later:
            self.selection = (start, later[0])

    def next_quote(self) -> None:
        """Select the next quoted part (without its quotes) from the selection on: in its sentence first."""
        start, end = self.selection
        s_start, s_end = self._sentence_of(start)
        for a, b in quoted(self.text, s_start, s_end) + quoted(self.text, s_end, min(len(self.text), s_end + 20_000)):
            if (a, b) != (start, end) and a >= start:
                self.selection = (a, b)
                return

    def to_character(self, side: str, ch: str) -> bool:
        """Move the selection's end just before the next ``ch`` (``side`` "end") or its start onto the next
        ``ch`` inside it ("start"); False (nothing moves) when there is none."""
        moved = to_character(self.text, *self.selection, side, ch)
        if moved is not None:
            self.selection = moved
        return moved is not None

    # -- claims ---------------------------------------------------------------------------------

    def claim_under_cursor(self) -> Claim | None:
        """The claim with exactly the selection's span (of several, one per target: the one last jumped to or
        made), else the first one overlapping it."""
        start, end = self.selection
        overlapping = [c for c in self.claims if c.start < end and start < c.end]
        exact = [c for c in overlapping if (c.start, c.end) == (start, end)]
        if exact:
            return next((c for c in exact if c.id == self.focus_id), exact[0])
        return overlapping[0] if overlapping else None

    def _targets_taken(self, claim: Claim) -> set[str]:
        """The targets of the annotator's other claims on the same span (one claim per target on a span)."""
        return {c.target for c in self.claims if (c.start, c.end) == (claim.start, claim.end) and c.id != claim.id}

    def _save(self, before: Claim | None, after: Claim, what: str) -> Done:
        saved = self.store.save_claim(after)
        self.history.record(ClaimEdit(before, saved, what))
        self._replace_local(before, saved)
        return Done(what, claim=saved)

    def _replace_local(self, old: Claim | None, new: Claim | None) -> None:
        """Our own save, applied to what we hold, instead of re-reading the store (a big article's
        bucket takes ~15 ms to parse). Changes by other processes come in through reload()."""
        claims = [c for c in self.claims if old is None or c.id != old.id]
        if new is not None:
            claims.append(new)
            claims.sort(key=claim_order)
        self.claims = claims
        n = len(claims)
        self.state = replace(self.state, n_claims=n, status=status_after_claims(self.state.status, n, self.state.labels))

    def tag(self, stance: str, type_: str | None = None) -> Done:
        """Tag the selection as a claim with this stance (the claim under the cursor on exactly this span changes:
        another target on the same span is ``add_target``)."""
        start, end = self.selection
        if not self.text[start:end].strip():
            raise StoreError("the selection is empty")
        existing = self.claim_under_cursor()
        if existing is not None and (existing.start, existing.end) == (start, end):
            after = replace(existing, stance=stance, type=type_ or existing.type)
            return self._save(existing, after, f"stance → {stance}")
        claim = Claim(id=Store.new_claim_id(), article_id=self.article.id, text_sha256=self.article.sha256,
                      start=start, end=end, quote=self.text[start:end], type=type_ or self.schema.default_type,
                      stance=stance, target=self.schema.default_target, annotator=self.annotator)
        return self._save(None, claim, f"tagged {claim.type} · {stance}")

    def set_type(self, type_: str) -> Done | None:
        claim = self.claim_under_cursor()
        if claim is None:
            return None
        return self._save(claim, replace(claim, type=type_), f"type → {type_}")

    def cycle_target(self) -> Done | None:
        claim = self.claim_under_cursor()
        if claim is None:
            return None
        target = next_target(self.schema.targets, claim.target, self.schema.default_target, self._targets_taken(claim))
        if target is None:
            raise EditRefused("every other target has its own claim on this span")
        return self._save(claim, replace(claim, target=target), f"target → {target}")

    def add_target(self) -> Done | None:
        """Another claim on the span of the claim under the cursor, for the next target it has no claim for
        (the guidelines: one span can carry a claim per target), with the same type and stance."""
        claim = self.claim_under_cursor()
        if claim is None or (claim.start, claim.end) != self.selection:
            return None
        taken = self._targets_taken(claim) | {claim.target}
        target = next_target(self.schema.targets, claim.target, self.schema.default_target, taken)
        if target is None:
            raise EditRefused(f"every target has a claim on this span ({len(taken)})")
        new = replace(claim, id=Store.new_claim_id(), target=target, note="", created="", updated="")
        self.focus_id = new.id
        return self._save(None, new, f"another claim on the span · target {target}")

    def set_note(self, note: str) -> Done | None:
        claim = self.claim_under_cursor()
        if claim is None:
            return None
        return self._save(claim, replace(claim, note=note), "note saved")

    def delete(self) -> Done | None:
        claim = self.claim_under_cursor()
        if claim is None:
            return None
        self.store.delete_claim(claim.article_id, claim.id, claim.annotator)
        self.history.record(ClaimEdit(claim, None, "deleted claim"))
        self._replace_local(claim, None)
        return Done("deleted claim")

    def jump_claim(self, delta: int) -> Claim | None:
        """Select the next (delta=1) or previous (-1) claim in text order (claims on one span one by one)."""
        if not self.claims:
            return None
        start = self.selection[0]
        here = self.claim_under_cursor()
        if here is not None and (here.start, here.end) == self.selection:
            claim = self.claims[(self.claims.index(here) + delta) % len(self.claims)]
        elif delta > 0:
            after = [c for c in self.claims if (c.start, c.end) > self.selection]
            claim = after[0] if after else self.claims[0]
        else:
            before = [c for c in self.claims if (c.start, c.end) < (start, self.selection[1])]
            claim = before[-1] if before else self.claims[-1]
        self.selection = (claim.start, claim.end)
        self.focus_id = claim.id
        return claim

    # -- article labels and status -------------------------------------------------------------

    def _set_state(self, what: str, **fields: Any) -> Done:
        before = self.state
        after = self.store.set_state(self.article.id, self.annotator, **fields)
        self.history.record(StateEdit(before, after, what))
        self.state = after
        return Done(what, state=after)

    def toggle_label(self, label_set: str, value: str) -> Done:
        spec = self.schema.label_set(label_set)
        labels = toggled_label(self.state.labels, label_set, value, spec is not None and spec.multiple)
        return self._set_state(f"{label_set}: {', '.join(labels[label_set]) or '—'}", labels=labels)

    def clear_label(self, label_set: str) -> Done:
        labels = {**{k: list(v) for k, v in self.state.labels.items()}, label_set: []}
        return self._set_state(f"{label_set}: —", labels=labels)

    def set_status(self, status: str) -> Done:
        return self._set_state(f"marked {status}", status=status)

    # -- undo -----------------------------------------------------------------------------------

    def undo(self) -> Edit | None:
        """Undo this article's last edit (not another article's); raises ``Changed`` (a ``StoreError``)
        if the item changed since in another session."""
        edit = self.history.undo(self.article.id)
        self._after_history(edit, undo=True)
        return edit

    def redo(self) -> Edit | None:
        edit = self.history.redo(self.article.id)
        self._after_history(edit, undo=False)
        return edit

    def _after_history(self, edit: Edit | None, undo: bool) -> None:
        """Apply the step to what we hold (re-reading a big article's bucket takes ~15 ms); a step
        on another article (history spans articles) changes nothing shown here."""
        if isinstance(edit, ClaimEdit):
            shown, target = (edit.after, edit.before) if undo else (edit.before, edit.after)
            claim = target or shown
            if claim is not None and claim.article_id == self.article.id:
                self._replace_local(shown, target)
                self.selection = (claim.start, claim.end)
        elif isinstance(edit, StateEdit) and edit.before.article_id == self.article.id:
            self.state = self.store.state(self.article.id, self.annotator)
