"""One reviewer working on one article: the units of every annotator's claims, the gold layer, a cursor
over the units and the conflict queue, the review steps, undo and redo. The review reader's logic as
plain Python: the screen turns keys into calls here and draws the result; tests drive it without a UI.

Every step goes through ``Store.apply_gold`` (one atomic change of the article's bucket, logged); undo
applies the inverse step the same way, so an undone decision is saved like any other. The session's own
copy of the gold layer changes at once; ``write`` (default: ``Store.apply_gold``, at once) may instead
queue the step for a writer thread that keeps the order (the review screen does: a save of a bucket
holding a 1 MB article's 6,000 claims takes 25-50 ms, longer than a key may). Such a writer must stop
applying queued steps after one fails and have the session ``resync``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ..errors import StoreError
from ..models import GOLD, Article, ArticleState, Claim, Decision, claim_order, next_target, now_iso, toggled_label
from ..schema import Schema
from ..store import GoldChange, Store
from ..text.clauses import word_step
from . import decisions as rules
from .layers import Letters, opened_by
from .links import LinkChange, UnitLink, gold_link_change
from .units import ClaimUnit, units_of


@dataclass(frozen=True)
class Step:
    forward: GoldChange | LinkChange
    backward: GoldChange | LinkChange
    what: str


class ReviewSession:
    def __init__(self, store: Store, schema: Schema, article: Article, reviewer: str, letters: Letters,
                 write: Callable[[GoldChange, str], None] | None = None, flush: Callable[[], None] | None = None):
        """``flush``: wait until every step given to ``write`` is saved (before a gold link step, whose
        ends are gold claims that must be in the store)."""
        self.store, self.schema, self.article, self.reviewer = store, schema, article, reviewer
        self.write = write or store.apply_gold
        self.flush = flush or (lambda: None)
        self.letters = letters
        self.text = store.text(article.sha256)
        self.index = 0  # the unit under the cursor
        self.variant: str | None = None  # the annotator whose variant is focused in it
        self._done: list[Step] = []
        self._undone: list[Step] = []
        self.reload()

    # -- data -----------------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read every layer (on open, or after another process's save); the cursor stays on its unit."""
        here = self.units[self.index].start if getattr(self, "units", None) else None
        claims = [c for c in self.store.claims(self.article.id) if c.text_sha256 == self.article.sha256]
        by_who: dict[str, list[Claim]] = {}
        for c in claims:
            by_who.setdefault(c.annotator, []).append(c)
        self._read_states()
        self.gold: list[Claim] = by_who.pop(GOLD, [])
        self.units: list[ClaimUnit] = units_of({w: cs for w, cs in by_who.items() if w in self.annotators},
                                               self.annotators)
        self._fingerprints: dict[int, str] = {}
        self.decisions: list[Decision] = self.store.decisions(self.article.id)
        self._match()
        if here is not None:
            self.index = next((i for i, u in enumerate(self.units) if u.end > here), max(0, len(self.units) - 1))
        self.index = min(self.index, max(0, len(self.units) - 1))
        self._fix_variant()

    def resync(self) -> None:
        """After a step the store refused (written by a writer thread): read the truth again; the undo history
        goes (its steps were made on a gold layer that was never saved)."""
        self._done.clear()
        self._undone.clear()
        self.reload()

    def _read_states(self) -> None:
        states = self.store.states_of(self.article.id)
        self.annotators: list[str] = opened_by(states)
        self.states: dict[str, ArticleState] = {s.annotator: s for s in states}
        self.gold_state = self.states.get(GOLD, ArticleState(self.article.id, GOLD))

    def _match(self) -> None:
        self._open: int | None = None
        self.decided: dict[int, Decision] = rules.match_decisions(self.units, self.decisions)
        matched = {d.id for d in self.decided.values()}
        self.orphans = [d for d in self.decisions if d.id not in matched and d.how != "labels"]

    def _applied(self, step: GoldChange) -> None:
        """The gold layer after our own ``step`` (saved): changed here, not re-read (the annotators' layers did
        not change; a 1 MB article's 6,000 claims would cost ~100 ms to read again)."""
        gold = {c.id: c for c in self.gold if c.id not in step.claims_out}
        gold.update((c.id, c) for c in step.claims_in)
        self.gold = sorted(gold.values(), key=claim_order)
        decisions = {d.id: d for d in self.decisions if d.id not in step.decisions_out}
        decisions.update((d.id, d) for d in step.decisions_in)
        self.decisions = sorted(decisions.values(), key=lambda d: (d.start, d.end, d.id))
        self._match()
        if step.status is not None or step.labels is not None:
            self.gold_state = replace(self.gold_state, status=step.status or self.gold_state.status,
                                      labels=self.gold_state.labels if step.labels is None else step.labels)
            self.states[GOLD] = self.gold_state

    def _fix_variant(self) -> None:
        unit = self.unit
        if unit is None:
            self.variant = None
        elif self.variant not in unit.variants:
            self.variant = self.letters.ordered(list(unit.variants))[0]

    @property
    def unit(self) -> ClaimUnit | None:
        return self.units[self.index] if self.units else None

    @property
    def decision(self) -> Decision | None:
        return self.decided.get(self.index)

    def fingerprint(self, i: int) -> str:
        found = self._fingerprints.get(i)
        if found is None:
            found = self._fingerprints[i] = rules.fingerprint(self.units[i])
        return found

    def changed(self, i: int) -> bool:
        """The unit's decision no longer agrees with the annotators' claims it was made on."""
        return rules.changed(self.units[i], self.decided.get(i), lambda _: self.fingerprint(i))

    def is_open(self, i: int) -> bool:
        """In the conflict queue (``decisions.is_open``, with the unit's fingerprint cached)."""
        return rules.is_open(self.units[i], self.decided.get(i), lambda _: self.fingerprint(i))

    def open_count(self) -> int:
        if self._open is None:  # counted once per change of the layers, not on every key
            self._open = sum(self.is_open(i) for i in range(len(self.units)))
        return self._open

    def gold_claims_of(self, i: int) -> list[Claim]:
        d = self.decided.get(i)
        ids = set(d.claim_ids) if d else set()
        return [c for c in self.gold if c.id in ids]

    def status(self, decided: int) -> str:
        """The gold state's status with ``decided`` units decided: done once every unit has a decision."""
        return "done" if decided >= len(self.units) else ("in progress" if decided else "todo")

    # -- moving ---------------------------------------------------------------------------------

    def move(self, delta: int) -> bool:
        if not self.units:
            return False
        new = max(0, min(len(self.units) - 1, self.index + delta))
        moved, self.index = new != self.index, new
        self._fix_variant()
        return moved

    def unit_at(self, offset: int) -> bool:
        """Put the cursor on the unit at (or else the first after) ``offset``; False if there is none."""
        i = next((i for i, u in enumerate(self.units) if u.end > offset), None)
        if i is None:
            return False
        self.index = i
        self._fix_variant()
        return True

    def next_conflict(self, delta: int = 1) -> bool:
        """To the next (``delta`` -1: previous) unit of the conflict queue, wrapping; False if there is none."""
        n = len(self.units)
        for k in range(1, n + 1):
            i = (self.index + delta * k) % n
            if self.is_open(i):
                self.index = i
                self._fix_variant()
                return True
        return False

    def next_variant(self) -> str | None:
        unit = self.unit
        if unit is None:
            return None
        order = self.letters.ordered(list(unit.variants))
        self.variant = order[(order.index(self.variant) + 1) % len(order)] if self.variant in order else order[0]
        return self.variant

    # -- steps ----------------------------------------------------------------------------------

    def _apply(self, step: GoldChange, what: str) -> str:
        before_claims = {c.id: c for c in self.gold}
        before_decisions = {d.id: d for d in self.decisions}
        after = {d.id: d for d in self.decisions if d.id not in step.decisions_out}
        after.update((d.id, d) for d in step.decisions_in)
        step = replace(step, status=self.status(len(rules.match_decisions(self.units, list(after.values())))))
        back = rules.invert(step, before_claims, before_decisions,
                            (self.gold_state.status, self.gold_state.labels))
        self.write(step, self.reviewer)
        self._done.append(Step(step, back, what))
        self._undone.clear()
        self._applied(step)
        return what

    def pick(self, annotator: str | None = None) -> str:
        """The focused (or ``annotator``'s) variant of the unit into gold."""
        unit, who = self.unit, annotator or self.variant
        if unit is None or who is None:
            raise StoreError("no claim here to pick")
        if who not in unit.variants:
            raise StoreError(f"{self.letters.name(who)} has no claim here")
        step = rules.pick(unit, who, self.decision, self.reviewer, self.article.sha256)
        return self._apply(step, f"picked {self.letters.name(who)}'s claim")

    def no_claim(self) -> str:
        unit = self.unit
        if unit is None:
            raise StoreError("no claim here")
        step = rules.no_claim(unit, self.article.id, self.decision, self.reviewer, self.article.sha256)
        return self._apply(step, "no claim here (every variant rejected)")

    def accept_unanimous(self) -> str:
        """Every unanimous unit into gold, automatic decisions redone where the annotators changed their work
        (manual decisions untouched), and the article labels every annotator gave alike."""
        step = rules.merge_unanimous(self.article.id, self.units, self.decided, self.decisions, self.reviewer,
                                     self.article.sha256)
        labels = self._unanimous_labels()
        if labels is not None:
            step = replace(step, labels=labels, decisions_in=step.decisions_in + (self._labels_decision(labels),))
        if not (step.claims_in or step.claims_out or step.decisions_out or labels is not None):
            return "nothing unanimous left to accept"
        added = sum(1 for d in step.decisions_in if d.how == "unanimous")
        return self._apply(step, f"accepted {added} unanimous unit(s)")

    def _unanimous_labels(self) -> dict[str, list[str]] | None:
        """Gold labels plus every label set all annotators set alike that gold lacks (None: nothing new)."""
        gold = {k: list(v) for k, v in self.gold_state.labels.items()}
        given = [self.states[w].labels for w in self.annotators if w in self.states]
        new = False
        for ls in self.schema.label_sets:
            values = {tuple(sorted(g.get(ls.name, ()))) for g in given}
            if len(given) >= 1 and len(values) == 1 and (only := values.pop()) and ls.name not in gold:
                gold[ls.name] = list(only)
                new = True
        return gold if new else None

    def _labels_decision(self, labels: dict[str, list[str]], how_edited: bool = False) -> Decision:
        old = next((d for d in self.decisions if d.how == "labels"), None)
        agree = tuple(sorted(w for w in self.annotators
                             if all(sorted(self.states[w].labels.get(k, ())) == sorted(v) for k, v in labels.items())))
        return Decision(old.id if old else rules.new_id(), self.article.id, self.article.sha256, 0, 0, "labels",
                        agree, (), "edited" if how_edited else "unanimous", self.reviewer, now_iso(),
                        old.rationale if old else "")

    @property
    def state(self) -> ArticleState:
        """The gold layer's state (the labels dialog edits it as it edits an annotator's)."""
        return self.gold_state

    def toggle_label(self, label_set: str, value: str) -> str:
        spec = self.schema.label_set(label_set)
        labels = toggled_label(self.gold_state.labels, label_set, value, spec is not None and spec.multiple)
        return self.set_gold_labels(labels)

    def clear_label(self, label_set: str) -> str:
        return self.set_gold_labels({**{k: list(v) for k, v in self.gold_state.labels.items()}, label_set: []})

    def set_gold_labels(self, labels: dict[str, list[str]]) -> str:
        step = GoldChange(self.article.id, labels=labels, decisions_in=(self._labels_decision(labels, True),))
        return self._apply(step, "gold article labels set")

    def rationale(self, text: str) -> str:
        d = self.decision
        if d is None:
            raise StoreError("decide the unit first (pick, edit or no claim), then give the reason")
        return self._apply(rules.with_rationale(d, text, self.reviewer), "rationale saved")

    # -- editing the gold claim of the unit --------------------------------------------------------

    def _gold_for_edit(self) -> tuple[Decision, Claim]:
        """The unit's gold claim to edit (the focused variant picked first if the unit has none)."""
        d = self.decision
        if d is None or not d.claim_ids:
            self.pick()
            d = self.decision
        claims = self.gold_claims_of(self.index)
        if d is None or not claims:
            raise StoreError("no gold claim here to edit")
        return d, claims[0]

    def _edit(self, change: dict[str, object], what: str) -> str:
        d, old = self._gold_for_edit()
        new = replace(old, **change)  # type: ignore[arg-type]
        if new == old:
            return what
        return self._apply(rules.edited(d, old, new, self.reviewer), what)

    def edit_stance(self, stance: str) -> str:
        return self._edit({"stance": stance}, f"gold claim: stance {stance}")

    def edit_type(self, type_: str) -> str:
        return self._edit({"type": type_}, f"gold claim: type {type_}")

    def edit_target(self) -> str:
        _, old = self._gold_for_edit()
        target = next_target(self.schema.targets, old.target, self.schema.default_target) or old.target
        return self._edit({"target": target}, f"gold claim: target {target}")

    def edit_bounds(self, side: str, words: int) -> str:
        """Move the gold claim's ``side`` ("start" or "end") by whole words (positive: wider)."""
        _, old = self._gold_for_edit()
        start, end = word_step(self.text, old.start, old.end, side, words)
        if (start, end) == (old.start, old.end):
            return "the gold claim cannot move further"
        return self._edit({"start": start, "end": end, "quote": self.text[start:end]},
                          f"gold claim: {start}-{end}")

    # -- undo -----------------------------------------------------------------------------------

    def undo(self) -> str | None:
        return self._replay(self._done, self._undone, backward=True)

    def redo(self) -> str | None:
        return self._replay(self._undone, self._done, backward=False)

    def _replay(self, source: list[Step], target: list[Step], backward: bool) -> str | None:
        if not source:
            return None
        step = source.pop()
        change = step.backward if backward else step.forward
        if isinstance(change, LinkChange):
            self.flush()
            change.apply(self.store)
        else:
            self.write(change, self.reviewer)
            self._applied(change)
        target.append(step)
        return f"{'undone' if backward else 'redone'}: {step.what}"

    def toggle_gold_link(self, ul: UnitLink) -> str:
        """Make the annotators' link ``ul`` (of the unit under the cursor) a gold link between the gold claims
        at both ends, or remove that gold link: a step of its own, undone and redone like a decision."""
        self.flush()  # the gold claims it joins must be in the store
        change, what = gold_link_change(self.store, ul, self.gold_claims_of(self.index))
        change.apply(self.store)
        self._done.append(Step(change, change.inverse(), what))
        self._undone.clear()
        return what


def unit_labels(session: ReviewSession, i: int) -> Sequence[str]:
    """The unit's kinds, as words for the screen (``unanimous`` for none)."""
    unit = session.units[i]
    return sorted(unit.kinds) or ["unanimous"]
