"""The article list: every article with its status and claim count; type to filter, Enter opens.

Every key here is a priority binding, handled by the app the moment it arrives and in order: a
query typed in one burst and Enter (a fast typist, or keys bunched by an SSH link) open the
article the query selects. That is also why the filter is a line this screen edits itself rather
than an ``Input``: an Input takes its keys later, from its own queue.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from annotations.errors import StoreError
from annotations.models import Progress
from annotations.text.display import counted, display_safe
from annotations.text.search import TextIndex

from ... import keys
from ...messages import StoreChanged
from ...widgets.article_list import ArticleList
from ...widgets.status_bar import StatusBar

TEXT_SEARCH_MIN = 3  # characters before article texts are searched too (titles are searched at once)


class ArticleListScreen(Screen[None]):
    # list.tcss (beside this file) is loaded by the app: this is its default screen (see ClaimtagApp.CSS_PATH)

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Progress] = []
        self.text_index: TextIndex | None = None
        self.query_text = ""
        self.filtering = False  # while True, letters are the query; j, k, q, ? are letters too
        keymap = keys.keymap_of(self)
        keys.bind_scope(self, keymap, "list", printable=False)
        keys.bind_text_keys(self)
        self.commands = keys.printable_commands(keymap, "list")  # j, k, q, ?, / while not filtering

    def compose(self) -> ComposeResult:
        yield Static(id="summary")
        yield Static(id="filter")
        yield ArticleList(id="articles")
        yield StatusBar(id="status")

    def on_mount(self) -> None:
        self.query_one(StatusBar).hints = "Enter open · type to filter · ? help · q quit"
        self.show_filter()
        self.query_one(ArticleList).focus()  # the rows are read on screen resume, which follows

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read every article's progress now (first frame, back from the reader)."""
        try:
            rows = self.app.store.progress(self.app.annotator)
        except Exception as exc:  # a corrupt store file: say so, keep the screen
            self.show_error(exc)
            return
        self.show_rows(rows)

    @work(thread=True, exclusive=True, group="progress")
    def reload_in_background(self) -> None:
        """Another process saved: re-read progress off the UI thread (10,000 articles take ~150 ms)."""
        try:
            rows = self.app.store.progress(self.app.annotator)
        except Exception as exc:
            self.app.call_from_thread(self.show_error, exc)
            return
        self.app.call_from_thread(self.show_rows, rows)

    def show_rows(self, rows: list[Progress]) -> None:
        self.rows = rows
        self.query_one(ArticleList).set_rows(rows)
        self.show_summary()
        self.app.report_skipped()

    def show_error(self, exc: Exception) -> None:
        self.app.report_error(exc)
        path = getattr(exc, "path", None)  # CorruptStoreFile: the file, short, on the screen's first line
        what = f"store file {path.relative_to(self.app.store.root)} is unreadable" if path else str(exc)
        self.query_one("#summary", Static).update(Text(f" cannot list the articles: {what}", style="bold red"), layout=False)

    def show_summary(self) -> None:
        total = len(self.rows)
        done = sum(1 for r in self.rows if r.status == "done")
        doing = sum(1 for r in self.rows if r.status == "in progress")
        claims = sum(r.n_claims for r in self.rows)
        width = 20
        filled = round(width * done / total) if total else 0
        bar = Text("█" * filled, style="green") + Text("░" * (width - filled), style="dim")
        summary = Text.assemble(
            Text(f" {display_safe(self.app.annotator)}", style="bold"),
            f" · {total} article{'' if total == 1 else 's'} · ", Text(f"{done} done", style="green"),
            f" · {doing} in progress · ", f"{counted(claims, 'claim', 'claims')}  ", bar,
            f" {100 * done // total if total else 0}%")
        skipped = [name for name in self.app.store.skipped if not name.startswith("claims/")]
        if skipped:  # one bad bucket hides its articles, not the other 255 buckets'
            summary = Text.assemble(Text(f" unreadable: {display_safe(', '.join(skipped))} (claimtag check) ·",
                                         style="bold red"), summary)
        self.query_one("#summary", Static).update(summary, layout=False)

    def on_store_changed(self, message: StoreChanged) -> None:
        self.reload_in_background()

    # -- keys -------------------------------------------------------------------------------

    def _move(self, action: str) -> None:
        getattr(self.query_one(ArticleList), f"action_{action}")()

    def action_cursor_down(self) -> None:
        self._move("cursor_down")

    def action_cursor_up(self) -> None:
        self._move("cursor_up")

    def action_cursor_page_down(self) -> None:
        self._move("cursor_page_down")

    def action_cursor_page_up(self) -> None:
        self._move("cursor_page_up")

    def action_cursor_first(self) -> None:
        self._move("cursor_first")

    def action_cursor_last(self) -> None:
        self._move("cursor_last")

    def action_filter(self) -> None:
        self.filtering = True
        self.show_filter()

    def action_quit(self) -> None:
        self.app.exit(0)

    def action_character(self, ch: str) -> None:
        """A printable key: part of the query while filtering, else a command or the query's start."""
        command = self.commands.get(keys.key_of(ch))
        if not self.filtering and command is not None:
            getattr(self, f"action_{command}")()
            return
        if not self.filtering and ch == " ":
            return
        self.filtering = True
        self.set_query(self.query_text + ch)

    def take_text(self, text: str) -> None:
        """Characters without a binding (é, 中) and pastes go into the query (ClaimtagApp._take_text)."""
        if text:
            self.filtering = True
            self.set_query(self.query_text + text)

    def action_erase(self) -> None:
        if self.filtering:
            self.set_query(self.query_text[:-1])

    def action_clear_filter(self) -> None:
        self.filtering = False
        self.set_query("")

    def set_query(self, query: str) -> None:
        self.query_text = query
        self.show_filter()
        needle = query.strip()
        self.query_one(ArticleList).set_filter(needle)
        if len(needle) >= TEXT_SEARCH_MIN:
            self.search_texts(needle)

    def show_filter(self) -> None:
        line = Text(" ")
        if self.filtering:
            line.append("filter: ", style="bold")
            line.append(display_safe(self.query_text))
            line.append("▏", style="blink")
            line.append("   Backspace erase · Esc clear · Enter open", style="dim")
        else:
            line.append("type to filter by title or text (j/k move, q quit, / filter with those letters)",
                        style="dim")
        self.query_one("#filter", Static).update(line, layout=False)

    @work(exclusive=True, thread=True, group="text-search")
    def search_texts(self, query: str) -> None:
        if self.text_index is None:
            self.text_index = TextIndex(self.app.store)
        hits = self.text_index.search(query)
        self.app.call_from_thread(self._apply_hits, query, hits)

    def _apply_hits(self, query: str, hits: set[str]) -> None:
        if self.query_text.strip() == query:
            self.query_one(ArticleList).set_filter(query, hits)

    # -- opening -------------------------------------------------------------------------------

    def action_open(self) -> None:
        current = self.query_one(ArticleList).current
        if current is not None:
            self.open_article(current.article.id)

    def on_article_list_opened(self, message: ArticleList.Opened) -> None:
        self.open_article(message.article_id)  # a mouse click or double-click on a row

    def open_article(self, article_id: str) -> None:
        from ..reader.screen import ReaderScreen

        try:
            reader = ReaderScreen(article_id)
        except (StoreError, OSError) as exc:  # unreadable claims file, missing text: say so, stay here
            self.app.report_error(exc)
            return
        self.app.push_screen(reader)

    def action_help(self) -> None:
        from ..help.screen import HelpScreen

        self.app.push_screen(HelpScreen("list"))
