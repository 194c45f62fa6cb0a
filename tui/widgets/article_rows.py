"""The article list's rows as plain text: columns by width, cells per row, untrusted text made safe.

Pure functions (rich's cell widths only): ``ArticleList`` turns the cells into segments and styles.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

from annotations.models import Progress
from annotations.text.display import display_safe as safe_text

# Status -> mark and component class. Unknown statuses show "?".
STATUS_MARKS = {"todo": "·", "in progress": "◐", "done": "✓"}
_STATUS_CLASS = {"todo": "todo", "in progress": "progress", "done": "done"}

WIDE = 100  # from this width on: the status word beside its mark
ID_COLUMN = 120  # from this width on: an id column
SOURCE_COLUMN = 60  # below this width the source is hidden
NARROW = 40  # below this width (a side pane): no length, a 3-cell claims column headed "#"


def fit(text: str, width: int, right: bool = False) -> str:
    """`text` in exactly `width` terminal cells: padded, or cut with "…" (CJK-aware)."""
    if width <= 0:
        return ""
    cells = cell_len(text)
    if cells > width:
        return set_cell_size(text, width - 1) + "…"
    pad = " " * (width - cells)
    return pad + text if right else text + pad


def human_length(n: int) -> str:
    """850 -> "850", 8_200 -> "8.2k", 82_000 -> "82k", 1_200_000 -> "1.2M"."""
    if n < 1000:
        return str(n)
    for div, unit in ((1000, "k"), (1_000_000, "M")):
        value = n / div
        if value < 9.95:
            return f"{value:.1f}{unit}"
        if value < 999.5 or unit == "M":
            return f"{value:.0f}{unit}"
    return str(n)  # unreachable


def count_text(n: int, width: int) -> str:
    """A count in at most ``width`` cells if it can be: 2001 in three cells is "2k", not "20…"."""
    for text in (str(n), human_length(n), f"{round(n / 1000)}k", f"{round(n / 1_000_000)}M"):
        if len(text) <= width:
            return text
    return str(n)


def basename(source: str) -> str:
    """The last part of a path or URL ("a/b/c.txt" -> "c.txt")."""
    trimmed = source.rstrip("/\\")
    return trimmed.replace("\\", "/").rsplit("/", 1)[-1] or source


@dataclass(frozen=True)
class Columns:
    """Cell widths of the columns for one widget width (0 = hidden)."""

    status: int
    title: int
    id: int
    source: int
    length: int
    claims: int


def layout_columns(width: int, id_width: int = 12) -> Columns:
    """Columns for a row `width` cells wide; the title takes what is left."""
    status = 13 if width >= WIDE else 1  # "◐ in progress" or "◐"
    ident = min(max(id_width, 2), 20) if width >= ID_COLUMN else 0
    source = (24 if width >= WIDE else 16) if width >= SOURCE_COLUMN else 0
    length, claims = (6, 6) if width >= NARROW else (0, 3)
    # one gap after status and title, one before each optional column, one trailing
    fixed = status + claims + 3 + sum(n + 1 for n in (ident, source, length) if n)
    return Columns(status, max(width - fixed, 1), ident, source, length, claims)


def row_cells(p: Progress, cols: Columns) -> list[tuple[str, str]]:
    """One row as (text, style name) pieces; the texts add up to the row's width."""
    art = p.article
    status = safe_text(p.status)
    mark = STATUS_MARKS.get(p.status, "?")
    style = _STATUS_CLASS.get(p.status, "todo")
    status_text = mark if cols.status == 1 else f"{mark} {status}"
    title = safe_text(art.title).strip()
    cells = [(fit(status_text, cols.status), style), (" ", "")]
    if title:
        cells.append((fit(title, cols.title), ""))
    else:  # no title: show the id instead, dimmed
        cells.append((fit(safe_text(art.id), cols.title), "dim"))
    if cols.id:
        cells += [(" ", ""), (fit(safe_text(art.id), cols.id), "dim")]
    if cols.source:
        cells += [(" ", ""), (fit(basename(safe_text(art.source)), cols.source), "dim")]
    if cols.length:
        cells += [(" ", ""), (fit(human_length(art.length), cols.length, right=True), "dim")]
    claims = fit(count_text(p.n_claims, cols.claims), cols.claims, right=True)
    cells += [(" ", ""), (claims, "" if p.n_claims else "dim"), (" ", "")]
    return cells


def header_cells(cols: Columns) -> list[str]:
    parts = [fit("status" if cols.status > 1 else "", cols.status), " ", fit("title", cols.title)]
    if cols.id:
        parts += [" ", fit("id", cols.id)]
    if cols.source:
        parts += [" ", fit("source", cols.source)]
    if cols.length:
        parts += [" ", fit("length", cols.length, right=True)]
    parts += [" ", fit("claims" if cols.claims >= 6 else "#", cols.claims, right=True), " "]
    return parts
