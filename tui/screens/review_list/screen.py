"""The review list: every article with its annotators, their statuses, open conflicts, an agreement
figure and the gold status. ``c`` / ``r`` filter to articles with conflicts / not yet reviewed, ``s``
sorts by agreement, Enter opens the review reader. Rows are read off the UI thread (a big store takes
a while) and again when another process saves.

In blind review no annotator name is drawn: statuses are shown as marks only.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Static

from annotations.review.overview import ReviewRow, review_rows, select_rows
from annotations.text.display import display_safe

from ... import keys
from ...messages import StoreChanged
from ...widgets.status_bar import StatusBar

STATUS_MARK = {"todo": "·", "in progress": "…", "done": "✓"}


def annotators_cell(row: ReviewRow, blind: bool) -> Text:
    if blind:
        return Text(" ".join(sorted(STATUS_MARK[s] for _, s in row.statuses)) or "—")
    return Text(" ".join(f"{display_safe(w)}{STATUS_MARK[s]}" for w, s in row.statuses) or "—")


def agreement_cell(row: ReviewRow) -> Text:
    value = row.agreement
    return Text("—" if value is None else f"{value:.0%}", justify="right")


class ReviewListScreen(Screen[None]):
    # review_list.tcss is loaded by the app (a default screen's own CSS_PATH is not: see ClaimtagApp)

    def __init__(self) -> None:
        super().__init__()
        self.all_rows: list[ReviewRow] = []
        self.shown: list[ReviewRow] = []
        self.which = "all"
        self.by_agreement = False
        self.loaded = False
        self._ahead: list[str] = []  # cursor moves and Enter typed before the rows were read: done once they are
        keys.bind_scope(self, keys.keymap_of(self), "review_list")

    def compose(self) -> ComposeResult:
        yield Static(id="summary")
        table: DataTable[Text] = DataTable(id="rows", cursor_type="row", zebra_stripes=False)
        yield table
        yield StatusBar(id="status")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("article", key="article")
        table.add_column("annotators", key="who")
        table.add_column("open", key="open")
        table.add_column("agree", key="agree")
        table.add_column("gold", key="gold")
        self.query_one(StatusBar).hints = "Enter review · c conflicts · r unreviewed · s sort · ? help"
        table.focus()

    def on_screen_resume(self) -> None:
        if not self.all_rows:
            self.query_one("#summary", Static).update(Text("Review · reading every annotator's work…"))
        self.reload_in_background()

    @work(thread=True, exclusive=True, group="review-rows")
    def reload_in_background(self) -> None:
        """Every article's row, off the UI thread: a store of 10,000 articles x 3 annotators takes seconds."""
        try:
            rows = review_rows(self.app.store)
        except Exception as exc:  # a corrupt store file: say so, keep the screen
            self.app.call_from_thread(self.app.report_error, exc)
            return
        self.app.call_from_thread(self.show_rows, rows)

    def on_store_changed(self, message: StoreChanged) -> None:
        self.reload_in_background()

    def show_rows(self, rows: list[ReviewRow]) -> None:
        self.all_rows = rows
        self.loaded = True
        self.app.report_skipped()
        self.refill()
        ahead, self._ahead = self._ahead, []
        for action in ahead:
            getattr(self, f"action_{action}")()

    def _early(self, action: str) -> bool:
        """Before the first rows are read, a move or Enter waits for them (typed ahead, not lost)."""
        if self.loaded:
            return False
        self._ahead.append(action)
        return True

    def refill(self) -> None:
        table = self.query_one(DataTable)
        keep = self.current_id()
        self.shown = select_rows(self.all_rows, self.which, self.by_agreement)
        width = max(20, self.app.size.width - 44)
        table.clear()
        blind = self.app.blind
        for row in self.shown:
            title = display_safe(row.article.title or row.article.id)
            table.add_row(Text(title[:width], no_wrap=True), annotators_cell(row, blind),
                          Text(str(row.open) if row.open else "·", justify="right"), agreement_cell(row),
                          Text(row.gold_status), key=row.article.id)
        if keep is not None:
            index = next((i for i, r in enumerate(self.shown) if r.article.id == keep), 0)
            table.move_cursor(row=index, animate=False)
        self.show_summary()

    def show_summary(self) -> None:
        rows = self.all_rows
        open_total = sum(r.open for r in rows)
        reviewed = sum(r.gold_status == "done" for r in rows)
        shown = {"all": "all articles", "conflicts": "with open conflicts", "unreviewed": "not yet reviewed"}[self.which]
        order = " · by agreement" if self.by_agreement else ""
        blind = " · blind" if self.app.blind else ""
        self.query_one("#summary", Static).update(Text(
            f"Review · {len(self.shown)} {shown}{order} · {open_total} open conflicts · "
            f"{reviewed}/{len(rows)} reviewed{blind}", no_wrap=True, overflow="ellipsis"))

    def current_id(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            return None
        return self.shown[table.cursor_row].article.id

    # -- actions ---------------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        if not self._early("cursor_down"):
            self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        if not self._early("cursor_up"):
            self.query_one(DataTable).action_cursor_up()

    def action_cursor_page_down(self) -> None:
        self.query_one(DataTable).action_page_down()

    def action_cursor_page_up(self) -> None:
        self.query_one(DataTable).action_page_up()

    def action_open(self) -> None:
        if self._early("open"):
            return
        article_id = self.current_id()
        if article_id is None:
            return
        from ..review.screen import ReviewScreen

        try:
            screen = ReviewScreen(article_id)
        except Exception as exc:
            self.app.report_error(exc)
            return
        self.app.push_screen(screen)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def _toggle(self, which: str) -> None:
        self.which = "all" if self.which == which else which
        self.refill()

    def action_only_conflicts(self) -> None:
        self._toggle("conflicts")

    def action_only_unreviewed(self) -> None:
        self._toggle("unreviewed")

    def action_sort(self) -> None:
        self.by_agreement = not self.by_agreement
        self.refill()

    def action_help(self) -> None:
        from ..help.screen import HelpScreen

        self.app.push_screen(HelpScreen("review_list"))

    def action_quit(self) -> None:
        self.app.exit(0)
