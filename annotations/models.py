"""Plain records of the annotation core, and each domain rule about them, once.

All offsets are Python ``str`` indices (code points) into the article text as
stored (normalised once at import, see ``text/normalize.py``).

The rules (every other module calls these; none re-states them):
- ``claim_order``: the order claims are listed, drawn and exported in;
- ``span_problem``: whether a span and its quote fit a text;
- ``status_after_claims``: an article's status once its claim count changed;
- ``labels_problem``: the shape of article labels; ``toggled_label``: a label value set or unset;
- ``next_target``: the target after a claim's current one, skipping those taken (one claim per target on a span);
- ``opened``: whether an annotator's state says they opened the article.
Display safety (what may reach a terminal) is ``text/display.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import MISSING, dataclass, field
from datetime import datetime, timezone
from typing import Any

from .errors import BadRecord

STATUSES = ("todo", "in progress", "done")
GOLD = "gold"  # the reviewers' layer: claims and labels settled from the annotators' (never an annotator's name)
HOWS = ("unanimous", "picked", "edited", "added", "no claim", "labels")  # how a gold decision came about


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    source: str
    sha256: str  # of the current (normalised) text
    length: int  # code points
    meta: dict[str, Any] = field(default_factory=dict)
    old_versions: tuple[str, ...] = ()  # sha256 of earlier texts, oldest first
    added: str = ""
    removed_controls: int = 0  # control characters dropped at import

    def to_record(self) -> dict[str, Any]:
        rec = {name: getattr(self, name) for name in self.__dataclass_fields__}
        rec["meta"] = _copy_json(self.meta)
        rec["old_versions"] = list(self.old_versions)
        return rec

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Article:
        _valid(cls, rec)
        data = dict(rec)
        data["old_versions"] = tuple(data.get("old_versions", ()))
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class NewArticle:
    """An article read from a file (or an import), text already normalised."""

    id: str
    title: str
    source: str
    text: str
    meta: dict[str, Any]
    removed_controls: int = 0


@dataclass(frozen=True)
class AddResult:
    article_id: str
    outcome: str  # "added" | "unchanged" | "new version"
    stale_claims: int = 0  # claims left on the old text by a new version


@dataclass(frozen=True)
class Claim:
    id: str
    article_id: str
    text_sha256: str
    start: int
    end: int
    quote: str  # text[start:end] of the text with text_sha256
    type: str
    stance: str
    target: str
    annotator: str
    note: str = ""
    created: str = ""
    updated: str = ""

    def to_record(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _CLAIM_FIELDS}  # scalars: no deep copy (asdict is 20x slower)

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Claim:
        _valid(cls, rec)
        if rec.keys() == _CLAIM_FIELD_SET:  # a stored claim as this version writes it, just checked:
            claim = object.__new__(cls)  # filled without the frozen __init__'s 13 object.__setattr__ calls
            claim.__dict__.update(rec)  # (3x faster: a store scan builds 300,000 of them)
            return claim
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in rec.items() if k in known})


_CLAIM_FIELDS = tuple(Claim.__dataclass_fields__)
_CLAIM_FIELD_SET = frozenset(_CLAIM_FIELDS)


@dataclass(frozen=True)
class ArticleState:
    """One annotator's state of one article: labels, status and claim count."""

    article_id: str
    annotator: str
    status: str = "todo"
    labels: dict[str, list[str]] = field(default_factory=dict)
    n_claims: int = 0
    updated: str = ""

    def to_record(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "annotator": self.annotator, "status": self.status,
                "labels": {k: list(v) for k, v in self.labels.items()}, "n_claims": self.n_claims,
                "updated": self.updated}

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> ArticleState:
        _valid(cls, rec)
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in rec.items() if k in known})


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on one unit of an article (``review/units.py``), with its provenance.

    ``how``: ``unanimous`` (merged: every annotator made the same claim), ``picked`` (one annotator's
    variant), ``edited`` (a variant changed by the reviewer), ``added`` (a claim no annotator made),
    ``no claim`` (a negative: nothing here is a claim, every variant was wrong), ``labels`` (the gold
    article labels). ``start``/``end``: the unit decided, as it was then (0, 0 for labels); ``claim_ids``:
    the gold claims it made; ``sources``: the annotators whose work it took (for ``no claim``: whose
    claims it rejected); ``basis``: a fingerprint of the unit's variants when decided, so a re-merge
    can say which decisions no longer agree with their sources."""

    id: str
    article_id: str
    text_sha256: str
    start: int
    end: int
    how: str
    sources: tuple[str, ...]
    claim_ids: tuple[str, ...]
    basis: str
    reviewer: str
    at: str
    rationale: str = ""

    @property
    def manual(self) -> bool:
        """A reviewer's own choice (a re-merge never touches it), not an automatic unanimous merge."""
        return self.how != "unanimous"

    def to_record(self) -> dict[str, Any]:
        rec = {name: getattr(self, name) for name in _DECISION_FIELDS}
        rec["sources"], rec["claim_ids"] = list(self.sources), list(self.claim_ids)
        return rec

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Decision:
        _valid(cls, rec)
        known = cls.__dataclass_fields__
        data = {k: v for k, v in rec.items() if k in known}
        data["sources"], data["claim_ids"] = tuple(data["sources"]), tuple(data["claim_ids"])
        return cls(**data)


_DECISION_FIELDS = tuple(Decision.__dataclass_fields__)

RELATIONS = ("same", "related", "contradicts")  # how a claim in one article stands to one in another


@dataclass(frozen=True)
class Link:
    """An annotator's link between a claim of one article and a claim of another (the compare view):
    ``relation`` is one of ``RELATIONS``. Stored in the bucket of ``article_id`` (the first claim's)."""

    id: str
    article_id: str
    claim_id: str
    other_article_id: str
    other_claim_id: str
    relation: str
    annotator: str
    created: str = ""

    def to_record(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _LINK_FIELDS}

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Link:
        _valid(cls, rec)
        return cls(**{k: v for k, v in rec.items() if k in _LINK_FIELDS})

    def touches(self, article_id: str, claim_id: str) -> bool:
        return (self.article_id, self.claim_id) == (article_id, claim_id) or \
            (self.other_article_id, self.other_claim_id) == (article_id, claim_id)


_LINK_FIELDS = tuple(Link.__dataclass_fields__)


@dataclass(frozen=True)
class StateChange:
    """A change of one annotator's state of one article (None: leave as it is), as imports make them."""

    article_id: str
    annotator: str
    status: str | None = None
    labels: dict[str, list[str]] | None = None


@dataclass(frozen=True)
class Progress:
    """Per-article progress of one annotator, as the article list shows it."""

    article: Article
    status: str
    n_claims: int


def _copy_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy_json(v) for v in value]
    return value


# -- the shape of stored records -----------------------------------------------------------------

def _text(v: Any) -> bool:
    return isinstance(v, str)


def _count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


_SHAPES: dict[str, dict[str, tuple[Any, str]]] = {  # class -> field -> (test, what it must be)
    "Article": {"id": (_text, "a string"), "title": (_text, "a string"), "source": (_text, "a string"),
                "sha256": (_text, "a string"), "length": (_count, "a whole number"),
                "meta": (lambda v: isinstance(v, dict), "an object"),
                "old_versions": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of strings"),
                "added": (_text, "a string"), "removed_controls": (_count, "a whole number")},
    "Claim": {**{f: (_text, "a string") for f in ("id", "article_id", "text_sha256", "quote", "type", "stance",
                                                  "target", "annotator", "note", "created", "updated")},
              "start": (_count, "a whole number"), "end": (_count, "a whole number")},
    "ArticleState": {"article_id": (_text, "a string"), "annotator": (_text, "a string"),
                     "status": (lambda v: v in STATUSES, f"one of {', '.join(STATUSES)}"),
                     "labels": (lambda v: labels_problem(v) is None, "an object of lists of strings"),
                     "n_claims": (_count, "a whole number"), "updated": (_text, "a string")},
    "Decision": {**{f: (_text, "a string") for f in ("id", "article_id", "text_sha256", "basis", "reviewer", "at",
                                                     "rationale")},
                 "start": (_count, "a whole number"), "end": (_count, "a whole number"),
                 "how": (lambda v: v in HOWS, f"one of {', '.join(HOWS)}"),
                 "sources": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of strings"),
                 "claim_ids": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
                               "a list of strings")},
    "Link": {**{f: (_text, "a string") for f in ("id", "article_id", "claim_id", "other_article_id", "other_claim_id",
                                                  "annotator", "created")},
             "relation": (lambda v: v in RELATIONS, f"one of {', '.join(RELATIONS)}")},
}


def record_problem(cls: type, rec: Any) -> str | None:
    """Why ``rec`` (a stored document) is not a record of ``cls`` (a missing field, a wrong type);
    None if it is. Every reader of the store checks this before building the record."""
    if not isinstance(rec, dict):
        return "not a JSON object"
    names, types, counts, rest = _FAST[cls.__name__]
    if tuple(map(type, map(rec.get, names))) == types and all(rec[n] >= 0 for n in counts):
        # every string and count field present with its type (one C-level pass): check only the others
        for name, test, what, required in rest:
            value = rec.get(name, _ABSENT)
            if value is _ABSENT:
                if required:
                    return f"missing field {name}"
            elif not test(value):
                return f"field {name} is not {what}"
        return None
    for name, test, what, required in _COMPILED[cls.__name__]:
        value = rec.get(name, _ABSENT)
        if value is _ABSENT:
            if required:
                return f"missing field {name}"
        elif test is _text:
            if value.__class__ is not str:  # the common case, without a call: every scan checks every field
                return f"field {name} is not {what}"
        elif not test(value):
            return f"field {name} is not {what}"
    return None


_ABSENT = object()
_COMPILED = {
    cls.__name__: tuple((name, test, what, cls.__dataclass_fields__[name].default is MISSING
                         and cls.__dataclass_fields__[name].default_factory is MISSING)
                        for name, (test, what) in _SHAPES[cls.__name__].items())
    for cls in (Article, Claim, ArticleState, Decision, Link)
}
_FAST = {  # class -> (str/count fields, their types, count fields, the other fields as in _COMPILED)
    key: (tuple(n for n, t, _, _ in rows if t in (_text, _count)),
          tuple(str if t is _text else int for _, t, _, _ in rows if t in (_text, _count)),
          tuple(n for n, t, _, _ in rows if t is _count),
          tuple(r for r in rows if r[1] not in (_text, _count)))
    for key, rows in _COMPILED.items()
}


def _valid(cls: type, rec: Any) -> None:
    problem = record_problem(cls, rec)
    if problem:
        ident = rec.get("id") or rec.get("article_id") if isinstance(rec, dict) else None
        raise BadRecord(f"{cls.__name__} record {str(ident)[:60]!r}: {problem}")


# -- the domain rules ------------------------------------------------------------------------------

def claim_order(claim: Claim) -> tuple[int, int, str, str]:
    """Sort key of claims: text order, then the older first, then by id (a total order)."""
    return (claim.start, claim.end, claim.created, claim.id)


def span_problem(text: str, start: object, end: object, quote: str | None = None) -> str | None:
    """Why the span ``start``-``end`` (with its ``quote``, if given) does not fit ``text``; None if it does."""
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        return "start and end must be integers"
    if not 0 <= start < end <= len(text):
        return f"span {start}-{end} is outside the text (length {len(text)})"
    if quote is not None and text[start:end] != quote:
        return f"quote does not match text[{start}:{end}]"
    return None


def status_after_claims(status: str, n_claims: int, labels: Any = None) -> str:
    """An article's status once its claim count is ``n_claims``: the first claim starts the work, and an
    article left with no claim and no label (every claim undone or deleted) is to do again. Done stays done."""
    if status == "todo" and n_claims:
        return "in progress"
    if status == "in progress" and not n_claims and not labels:
        return "todo"
    return status


def labels_problem(labels: Any) -> str | None:
    """Why ``labels`` is not article labels ({label set: [value, ...]}); None if it is."""
    if not isinstance(labels, dict) or not all(
            isinstance(k, str) and isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v)
            for k, v in labels.items()):
        return "article labels must map label sets to lists of values"
    return None


def opened(state: ArticleState) -> bool:
    """Whether an annotator opened the article (a status beyond todo, a claim or a label): an article an
    annotator never opened is not data for agreement, and they are not "missing" a claim in review."""
    return state.status != "todo" or bool(state.n_claims) or bool(state.labels)


def toggled_label(labels: dict[str, list[str]], label_set: str, value: str, multiple: bool) -> dict[str, list[str]]:
    """Article labels with ``value`` of ``label_set`` toggled: added or taken off (several allowed); put in
    place of the set's value (one allowed), where choosing the chosen value again keeps it (a key typed
    twice must not silently clear a choice: clearing a set is a key of its own)."""
    current = list(labels.get(label_set, []))
    if not multiple:
        current = [value]
    else:
        current = [v for v in current if v != value] if value in current else [*current, value]
    return {**{k: list(v) for k, v in labels.items()}, label_set: current}


def next_target(targets: Sequence[str], current: str | None, default: str, taken: Collection[str] = ()) -> str | None:
    """The target after ``current``, cycling, skipping ``taken`` (the targets of the annotator's other claims
    on the same span: one claim per target on a span); ``default`` for a target the schema does not know;
    None when every other target is taken."""
    if current is None or current not in targets:
        return default if default not in taken else next((t for t in targets if t not in taken), None)
    i = list(targets).index(current)
    for k in range(1, len(targets)):
        target = targets[(i + k) % len(targets)]
        if target not in taken:
            return target
    return None
