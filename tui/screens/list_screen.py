"""The article list: every article with its status and claim count; type to filter, Enter opens."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static

from annotations.models import Progress
from annotations.storage import StoreError
from annotations.text_index import TextIndex

from ..messages import StoreChanged
from ..widgets.article_list import ArticleList
from ..widgets.status_bar import StatusBar


class ArticleListScreen(Screen):
    # Priority bindings run the moment the key arrives, so keys typed ahead (Enter then 1 over a
    # slow SSH link) reach the reader they open, in order. Printable ones still go to the filter
    # Input when it has focus (Textual leaves keys an Input consumes to it); arrows and Enter
    # work from the filter too.
    BINDINGS = [
        Binding("down,j", "list('cursor_down')", "down", show=False, priority=True),
        Binding("up,k", "list('cursor_up')", "up", show=False, priority=True),
        Binding("pagedown", "list('cursor_page_down')", "page down", show=False, priority=True),
        Binding("pageup", "list('cursor_page_up')", "page up", show=False, priority=True),
        Binding("home", "list('cursor_first')", "first", show=False, priority=True),
        Binding("end", "list('cursor_last')", "last", show=False, priority=True),
        Binding("enter", "open_current", "open", priority=True),
        Binding("slash", "filter", "filter", id="filter", priority=True),
        Binding("question_mark", "help", "help", id="help", priority=True),
        Binding("q", "app.quit", "quit", id="quit", priority=True),
        Binding("escape", "clear_filter", "clear filter", show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Progress] = []
        self.text_index: TextIndex | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="summary")
        yield Input(placeholder="/ filter by title or text", id="filter")
        yield ArticleList(id="articles")
        yield StatusBar(id="status")

    def on_mount(self) -> None:
        self.query_one(StatusBar).hints = "Enter open · / filter · ? help · q quit"
        self.query_one(ArticleList).focus()  # the rows are read on screen resume, which follows

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        try:
            self.rows = self.app.store.progress(self.app.annotator)
        except Exception as exc:  # a corrupt store file: say so, keep the screen
            self.app.report_error(exc)
            path = getattr(exc, "path", None)  # CorruptStoreFile: the file, short, on the screen's first line
            what = f"store file {path.relative_to(self.app.store.root)} is unreadable" if path else str(exc)
            self.query_one("#summary", Static).update(Text(f" cannot list the articles: {what}", style="bold red"))
            return
        self.query_one(ArticleList).set_rows(self.rows)
        self.show_summary()

    def show_summary(self) -> None:
        total = len(self.rows)
        done = sum(1 for r in self.rows if r.status == "done")
        doing = sum(1 for r in self.rows if r.status == "in progress")
        claims = sum(r.n_claims for r in self.rows)
        width = 20
        filled = round(width * done / total) if total else 0
        bar = Text("█" * filled, style="green") + Text("░" * (width - filled), style="dim")
        summary = Text.assemble(
            Text(f" {self.app.annotator}", style="bold"),
            f" · {total} article{'' if total == 1 else 's'} · ", Text(f"{done} done", style="green"), f" · {doing} in progress · ",
            f"{claims} claim{'' if claims == 1 else 's'}  ", bar, f" {100 * done // total if total else 0}%")
        self.query_one("#summary", Static).update(summary)

    def on_store_changed(self, message: StoreChanged) -> None:
        self.reload()

    # -- filter -----------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.value = ""
        self.query_one(ArticleList).focus()

    def on_key(self, event) -> None:
        """Typing a letter on the list starts the filter with it."""
        if self.focused is self.query_one(ArticleList) and event.is_printable and event.character \
                and event.character.isalnum() and event.key not in ("j", "k", "q", "g", "G"):
            field = self.query_one("#filter", Input)
            field.focus()
            field.insert_text_at_cursor(event.character)
            event.stop()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        query = event.value.strip()
        articles = self.query_one(ArticleList)
        articles.set_filter(query)
        self.search_texts(query)

    def action_list(self, action: str) -> None:
        getattr(self.query_one(ArticleList), f"action_{action}")()

    def action_open_current(self) -> None:
        articles = self.query_one(ArticleList)
        if articles.current is not None:
            self.open_article(articles.current.article.id)

    @work(exclusive=True, thread=True, group="text-search")
    def search_texts(self, query: str) -> None:
        if len(query) < 3:
            return
        if self.text_index is None:
            self.text_index = TextIndex(self.app.store)
        hits = self.text_index.search(query)
        self.app.call_from_thread(self._apply_hits, query, hits)

    def _apply_hits(self, query: str, hits: set[str]) -> None:
        if self.query_one("#filter", Input).value.strip() == query:
            self.query_one(ArticleList).set_filter(query, hits)

    # -- opening -------------------------------------------------------------------------------

    def on_article_list_opened(self, message: ArticleList.Opened) -> None:
        self.open_article(message.article_id)

    def open_article(self, article_id: str) -> None:
        from .reader_screen import ReaderScreen

        try:
            reader = ReaderScreen(article_id)
        except (StoreError, OSError) as exc:  # unreadable claims file, missing text: say so, stay here
            self.app.report_error(exc)
            return
        self.app.push_screen(reader)

    def action_help(self) -> None:
        from .help_screen import HelpScreen

        self.app.push_screen(HelpScreen())
