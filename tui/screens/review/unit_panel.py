"""The review reader's panel: the unit under the cursor (its variants by letter, its conflict kinds),
its gold decision with provenance, and every layer's article labels. Plain ``Text`` built from
stored strings through the display gate, never markup."""

from __future__ import annotations

from rich.text import Text

from annotations.models import Claim
from annotations.review.links import gold_linked, unit_links
from annotations.review.session import ReviewSession, unit_labels
from annotations.review.units import ClaimUnit
from annotations.text.display import both_ends, display_safe

QUOTE = 36


def _quote(text: str) -> str:
    """The quote's start and end (a boundary conflict differs at an end), the middle elided."""
    return f"“{both_ends(text, QUOTE)}”"


def _claim(c: Claim) -> str:
    return f"{display_safe(c.stance)} · {display_safe(c.type)} · {display_safe(c.target)}"


def unit_text(s: ReviewSession, width: int) -> Text:
    """The panel, each line cut to ``width`` cells (a line per variant, whatever the width)."""
    lines = _panel(s, quote_below=width < 70).split("\n")
    for line in lines:
        line.truncate(max(8, width), overflow="ellipsis")
    return Text("\n").join(lines)


def _panel(s: ReviewSession, quote_below: bool) -> Text:
    """``quote_below``: each quote on a line of its own (a narrow panel beside the text has the height)."""
    out = Text()
    if not s.annotators:
        out.append("No annotator has opened this article yet.", style="dim")
        return out
    unit = s.unit
    if unit is None:
        out.append("No claims in any layer of this article.", style="dim")
        out.append("\n")
        _labels(out, s)
        return out
    i = s.index
    n_open = s.open_count()
    out.append(f"unit {i + 1}/{len(s.units)}", style="bold")
    out.append(f" · {n_open} open · {', '.join(unit_labels(s, i))}")
    if s.is_open(i):
        out.append(" · OPEN", style="bold reverse")
    for who in s.letters.ordered(s.annotators):
        out.append("\n")
        focused = who == s.variant
        out.append("▸" if focused else " ", style="bold")
        out.append(f"{display_safe(s.letters.name(who))[:14]:<14} ", style="bold" if focused else "")
        claims = unit.variants.get(who, ())
        if not claims:
            out.append("— no claim here", style="dim")
            continue
        for k, c in enumerate(claims):
            if k:
                out.append(" + ")
            out.append(_claim(c))
            out.append(f"\n{'':16}{_quote(c.quote)}" if quote_below else f" {_quote(c.quote)}")
    _links(out, s, unit)
    out.append("\n")
    _decision(out, s, quote_below)
    out.append("\n")
    _labels(out, s)
    return out


def _links(out: Text, s: ReviewSession, unit: ClaimUnit) -> None:
    """The annotators' links of the unit's claims to other articles (g makes one a gold link)."""
    links = s.store.all_links()
    if not links:
        return
    gold_here = s.gold_claims_of(s.index)
    for ul in unit_links(s.store, unit, links):
        out.append("\n")
        out.append(f" {display_safe(s.letters.name(ul.who))[:12]:<12} ⇄ ", style="dim")
        out.append(ul.link.relation)
        if gold_linked(links, ul, gold_here):  # before the quote: a narrow panel cuts the line's end
            out.append(" · gold ✓", style="bold")
        out.append(f" · {display_safe(ul.other.article_id)} {_quote(ul.other.quote)}")


def _decision(out: Text, s: ReviewSession, quote_below: bool) -> None:
    d = s.decision
    out.append(" gold           ", style="bold")
    if d is None:
        out.append("not decided" + (" (unanimous: A accepts)" if s.unit and s.unit.unanimous else ""), style="dim")
        return
    letters = ", ".join(s.letters.of(w) for w in s.letters.ordered(list(d.sources))) or "—"
    if d.how == "no claim":
        out.append("NO CLAIM HERE", style="bold")
    else:
        for k, c in enumerate(s.gold_claims_of(s.index)):
            out.append((" + " if k else "") + _claim(c))
            out.append(f"\n{'':16}{_quote(c.quote)}" if quote_below else f" {_quote(c.quote)}")
    out.append(f"\n                {d.how} · from {letters}", style="dim")
    if not s.letters.blind:
        out.append(f" · by {display_safe(d.reviewer)}", style="dim")
    if s.changed(s.index):
        out.append(" · ⚠ SOURCES CHANGED since decided", style="bold")
    if d.rationale:
        out.append(f"\n                reason: {display_safe(d.rationale)}")


def _labels(out: Text, s: ReviewSession) -> None:
    out.append(" labels         ", style="bold")
    parts = [f"gold: {_shown(s.gold_state.labels)}"]  # first: at 80 columns the annotators' may be cut
    for who in s.letters.ordered(s.annotators):
        parts.append(f"{s.letters.of(who)}: {_shown(s.states[who].labels if who in s.states else {})}")
    out.append(" | ".join(parts))


def _shown(labels: dict[str, list[str]]) -> str:
    return "; ".join(f"{display_safe(k)}={','.join(display_safe(v) for v in vs)}" for k, vs in labels.items() if vs) \
        or "—"
