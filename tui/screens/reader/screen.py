"""The reader: the article text with this annotator's claims highlighted, the claims panel beside it.

Keys become calls on an ``ArticleSession`` (annotations/editing.py); every change is saved
through the store at once and the status line says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static

from annotations.compare.session import linked_articles
from annotations.editing import ArticleSession, Done, next_article
from annotations.errors import EditRefused, StoreError
from annotations.text.display import display_safe

from ... import keys
from ...messages import SentencesReady, StoreChanged
from ...widgets.article_list import ArticleList
from ...widgets.claim_styles import ClaimHighlights, ClaimStyles, stance_layers
from ...widgets.claims_panel import ClaimsPanel
from ...widgets.gutter_view import GutterTextView
from ...widgets.status_bar import StatusBar
from ...widgets.text_view import ArticleTextView, Highlight
from .selection_keys import SelectionKeys

if TYPE_CHECKING:
    from annotations.compare.similar import Appearance, Similar

# sentencex splits 1 MB in ~25 ms, so every article's sentences are ready before its first frame
# (cached per text); a worker stays for texts beyond this size
SYNC_SENTENCES_UP_TO = 2_000_000  # characters


class ReaderScreen(SelectionKeys, Screen[None]):
    CSS_PATH = "reader.tcss"
    AUTO_FOCUS = "#text"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide"), (150, "-very-wide")]

    def __init__(self, article_id: str):
        super().__init__()
        self.matches: list[tuple[int, int]] = []
        self.claim_highlights = ClaimHighlights(ClaimStyles(self.app.schema, self.app.no_color))
        self._shown = False  # widgets exist and show the session
        self._links_for: object = None  # the claims list the panel's link counts were read for
        # the session is ready before the screen mounts: keys typed ahead can already act on it
        self.session: ArticleSession = self.load_session(article_id)
        self.article_id = article_id
        keys.bind_scope(self, self.app.schema.keys, "reader")
        keys.bind_reader_choices(self, self.app.schema)

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield ArticleList(id="side")
            with Vertical(id="main"):
                yield Static(id="title")
                # under NO_COLOR a gutter says which stances each line's claims take
                yield (GutterTextView if self.app.no_color else ArticleTextView)(id="text")
            yield ClaimsPanel(self.app.schema, id="claims")
        yield StatusBar(id="status")

    # -- loading --------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.query_one(StatusBar).hints = "1/2/3 tag · j/k move · ? help · Esc list"
        self._shown = True
        self.show()
        self.query_one(ArticleTextView).focus()

    def load_session(self, article_id: str) -> ArticleSession:
        """Read the article, its text, sentences and claims (no widgets involved). Raises StoreError."""
        app = self.app
        article = app.store.article(article_id)
        if article is None:
            raise StoreError(f"article {article_id} is not in the store")
        sentences = None
        if article.length <= SYNC_SENTENCES_UP_TO:
            sentences = app.store.sentences(article.sha256, app.store.text(article.sha256))
        return ArticleSession(app.store, app.schema, article, app.annotator,
                              sentences=sentences, history=app.history)

    def open(self, article_id: str) -> None:
        """Switch to another article (d, the side list)."""
        try:
            self.session = self.load_session(article_id)
        except (StoreError, OSError) as exc:
            self.app.report_error(exc)
            return
        self.article_id = article_id
        self.matches = []
        self.show()

    def show(self) -> None:
        """Draw the session's article from the top."""
        if not self._shown:
            return
        session = self.session
        view = self.query_one(ArticleTextView)
        view.set_document(session.text, self.highlights(), session.selection)
        view.scroll_home(animate=False)
        view.set_selection(*session.selection)
        if not session.sentences_exact:
            self.split_sentences(session.article.sha256, session.text)
        self.load_side_list()
        self.show_title()
        self.refresh_panels()
        if session.stale:
            self.say(f"⚠ {len(session.stale)} claims were made on an older text of this article")
        self.call_after_refresh(self.app.idle_gc.settle)  # the article's structures live while it is open

    def say(self, message: str) -> None:
        if self._shown:
            self.query_one(StatusBar).say(message)

    @work(thread=True, exclusive=True, group="sentences")
    def split_sentences(self, sha256: str, text: str) -> None:
        spans = self.app.store.sentences(sha256, text)
        self.post_message(SentencesReady(sha256, spans))

    def on_sentences_ready(self, message: SentencesReady) -> None:
        if self.session.article.sha256 == message.sha256:
            self.session.set_sentences(message.spans)
            self.app.idle_gc.settle()

    SIDE_LIST_MIN_WIDTH = 150  # the -very-wide breakpoint, where reader.tcss shows the list

    def load_side_list(self, background: bool = False) -> None:
        """Fill the side list, only where it is shown: progress over a big corpus is not free
        (10,000 articles: ~150 ms). Other processes' saves refresh it off the UI thread."""
        if self.app.size.width < self.SIDE_LIST_MIN_WIDTH or not self._shown:
            return
        if background:
            self.read_side_list(self.article_id)
            return
        try:
            rows = self.app.store.progress(self.app.annotator)
            self.app.report_skipped()
        except StoreError as exc:  # a corrupt corpus/states file: say so, keep the reader
            self.app.report_error(exc)
            return
        self.show_side_list(rows, self.article_id)

    @work(thread=True, exclusive=True, group="side-list")
    def read_side_list(self, article_id: str) -> None:
        try:
            rows = self.app.store.progress(self.app.annotator)
            self.app.call_from_thread(self.app.report_skipped)
        except StoreError as exc:  # a corrupt corpus/states file: say so, keep the reader
            self.app.call_from_thread(self.app.report_error, exc)
            return
        self.app.call_from_thread(self.show_side_list, rows, article_id)

    def show_side_list(self, rows, article_id: str) -> None:
        side = self.query_one("#side", ArticleList)
        side.set_rows(rows)
        side.select_article(article_id)

    def on_resize(self) -> None:
        if not self.query_one("#side", ArticleList).current:
            self.load_side_list()

    def on_article_list_opened(self, message: ArticleList.Opened) -> None:
        message.stop()
        self.open(message.article_id)
        self.query_one(ArticleTextView).focus()

    def on_store_changed(self, message: StoreChanged) -> None:
        if self.session is not None:
            try:
                self.session.reload()
            except StoreError as exc:  # another process left a file we cannot read: keep what we show
                self.app.report_error(exc)
                return
            self.refresh_view()
            self.load_side_list(background=True)

    # -- drawing --------------------------------------------------------------------------------

    def highlights(self) -> list[Highlight]:
        return self.claim_highlights(self.session.claims)

    def refresh_view(self, scroll: bool = True) -> None:
        if not self._shown:
            return
        view = self.query_one(ArticleTextView)
        view.set_highlights(self.highlights())
        if isinstance(view, GutterTextView):
            view.set_layers(stance_layers(self.app.schema, self.session.claims))
        view.set_selection(*self.session.selection, scroll=scroll)
        self.refresh_panels()

    def show_title(self) -> None:
        """Once per article: a Static's update re-lays the screen out, too dear for every save."""
        article = self.session.article
        title = Text(no_wrap=True, overflow="ellipsis")
        first = " ".join(self.session.text.lstrip().split("\n", 1)[0].split())
        if not article.title or not first.startswith(article.title.removesuffix("\u2026").rstrip()):
            # a title the text itself starts with is not said twice (the first line is right below)
            title.append(display_safe(article.title) or display_safe(article.id), style="bold")
            title.append("  ")
        title.append(f"{display_safe(article.id)} · {article.length:,} chars", style="dim")
        self.query_one("#title", Static).update(title, layout=False)

    def refresh_panels(self) -> None:
        if not self._shown:
            return
        session = self.session
        panel = self.query_one(ClaimsPanel)
        if self._links_for is not session.claims:  # links: once per change of the claims, not per cursor move
            self._links_for = session.claims
            panel.linked = linked_articles(self.app.store, session.article.id, self.app.annotator)
        panel.show(session.claims, session.claim_under_cursor(), session.state, len(session.stale))

    def after_save(self, what: str) -> None:
        self.app.note_own_save()
        if self._shown:
            self.query_one(StatusBar).saved(what)
            self.refresh_view()

    def run_edit(self, edit: Callable[..., Done | None], *args: Any) -> None:
        """Call an ArticleSession edit; a store error becomes a message, never a traceback."""
        try:
            done = edit(*args)
        except EditRefused as exc:
            self.say(str(exc))
            return
        except StoreError as exc:
            self.app.report_error(exc, title="not saved")
            return
        if done is None:
            self.say("no claim under the cursor (n / N jump to claims)")
            return
        self.after_save(done.what)

    # -- actions: claims -----------------------------------------------------------------------------

    def action_tag(self, index: int) -> None:
        self.run_edit(self.session.tag, self.app.schema.stances[index].name)

    def action_set_type(self, index: int) -> None:
        self.run_edit(self.session.set_type, self.app.schema.claim_types[index].name)

    def action_cycle_target(self) -> None:
        self.run_edit(self.session.cycle_target)

    def action_add_target(self) -> None:
        self.run_edit(self.session.add_target)

    def action_delete_claim(self) -> None:
        self.run_edit(self.session.delete)

    def action_edit_note(self) -> None:
        claim = self.session.claim_under_cursor()
        if claim is None:
            self.say("no claim under the cursor to add a note to")
            return
        from ..prompt.note import NoteScreen

        def done(note: str | None) -> None:
            if note is not None:
                self.run_edit(self.session.set_note, note)

        self.app.push_screen(NoteScreen(claim.note, claim.quote), done)

    def action_undo(self) -> None:
        self.history_step(self.session.undo, "undo")

    def action_redo(self) -> None:
        self.history_step(self.session.redo, "redo")

    def history_step(self, step, name: str) -> None:
        try:
            edit = step()
        except StoreError as exc:
            self.app.report_error(exc)
            return
        if edit is None:
            self.say(f"nothing to {name}")
            return
        self.after_save(f"{name}: {edit.what}")

    # -- actions: article ---------------------------------------------------------------------------

    def action_labels(self) -> None:
        from ..labels.screen import LabelsScreen

        self.app.push_screen(LabelsScreen(self.session), lambda _: self.after_save("labels"))

    def action_done(self) -> None:
        try:
            self.session.set_status("done")
        except StoreError as exc:
            self.app.report_error(exc)
            return
        self.app.note_own_save()
        try:
            rows = self.app.store.progress(self.app.annotator)
            self.app.report_skipped()
        except StoreError as exc:  # saved, but the next article cannot be found: stay here
            self.app.report_error(exc)
            self.query_one(StatusBar).saved("marked done")
            self.refresh_view()
            return
        nxt = next_article(rows, self.article_id)
        if nxt is None:
            self.query_one(StatusBar).saved("marked done — every article is done")
            self.app.notify("Every article is done.", title="claimtag", timeout=6)
            self.refresh_view()
            return
        done_title = self.session.article.title
        self.open(nxt.article.id)
        self.query_one(StatusBar).saved(f"marked done: {display_safe(done_title)[:30]} → next")

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_quit(self) -> None:
        self.app.exit(0)

    def action_help(self) -> None:
        from ..help.screen import HelpScreen

        self.app.push_screen(HelpScreen("reader"))

    def action_compare(self) -> None:
        """The claim under the cursor: where else it is told; else the articles most like this one. Looked
        up by a thread worker (10,000 articles: 0.3-0.5 s), then offered in a list."""
        session = self.session
        claim = session.claim_under_cursor()
        on_claim = claim is not None and (claim.start, claim.end) == session.selection
        self.say("looking for where else this claim is told…" if on_claim else "looking for similar articles…")
        self.find_similar(self.article_id, claim.quote if on_claim and claim else None,
                          claim.start if on_claim and claim else None)

    @work(thread=True, exclusive=True, group="similar")
    def find_similar(self, article_id: str, quote: str | None, at: int | None) -> None:
        from annotations.compare.similar import most_similar, where_else

        store = self.app.store
        try:
            found = where_else(store, quote, exclude=article_id) if quote is not None else []
            told = [store.text(x.article.sha256)[x.start:x.end] for x in found]
            similar = most_similar(store, article_id) if not found else []
        except StoreError as exc:
            self.app.call_from_thread(self.app.report_error, exc)
            return
        self.app.call_from_thread(self.offer_similar, article_id, quote, at, found, told, similar)

    def offer_similar(self, article_id: str, quote: str | None, at: int | None, found: list[Appearance],
                      told: list[str], similar: list[Similar]) -> None:
        from ..compare.picker import SimilarPicker
        from ..compare.screen import CompareScreen

        if article_id != self.article_id or not self.is_current:
            return  # the reader moved on meanwhile

        def opened(other: str | None) -> None:
            if other is not None:
                self.app.push_screen(CompareScreen(article_id, other, at=at if found else None))

        if found and quote is not None:
            self.app.push_screen(SimilarPicker(f"Where else “{display_safe(quote)[:40]}” is told",
                                               [(x.article.id, f"{display_safe(x.article.id)}: {display_safe(t)[:80]}",
                                                 x.score) for x, t in zip(found, told)]), opened)
        elif not similar:
            self.say("no other article to compare with")
        else:
            if quote is not None:
                self.say("this claim is told in no other article (the articles most like this one follow)")
            self.app.push_screen(SimilarPicker.of_similar(self.session.article.title, similar), opened)
