"""The review reader: one article with every annotator's claims (letters in the gutter, the unit under
the cursor selected), the gold layer highlighted, and a panel with the unit's variants, its conflict
kinds and its decision.

Keys become calls on a ``ReviewSession`` (annotations/review/session.py); every step is saved through
the store at once. In blind review every annotator is named by a letter only (``Letters.name``).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static

from annotations.errors import EditRefused, StoreError
from annotations.review.layers import Letters, opened_by
from annotations.review.session import ReviewSession
from annotations.text.display import display_safe

from ... import keys
from ...messages import GoldRefused, GoldSaved, StoreChanged
from ...widgets.claim_styles import ClaimHighlights, ClaimStyles
from ...widgets.gutter_view import GutterLayer, GutterTextView
from ...widgets.status_bar import StatusBar
from ...widgets.text_view import Highlight
from .unit_panel import unit_text
from .writer import GoldWriter

UNDERLINE = Style(underline=True)


class ReviewScreen(Screen[None]):
    CSS_PATH = "review.tcss"
    AUTO_FOCUS = "#text"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self, article_id: str):
        super().__init__()
        app = self.app
        article = app.store.article(article_id)
        if article is None:
            raise StoreError(f"article {article_id} is not in the store")
        letters = Letters(article.id, opened_by(app.store.states_of(article.id)), blind=app.blind,
                          secret=app.blind_secret)
        # ready before the screen mounts: keys typed ahead act on it; steps are saved in order by a writer thread
        self.writer = GoldWriter(app.store, self.post_message)
        self.session = ReviewSession(app.store, app.schema, article, app.annotator, letters, write=self.writer.write,
                                     flush=self.writer.flush)
        self.claim_highlights = ClaimHighlights(ClaimStyles(app.schema, app.no_color))
        self._shown = False
        # the breakpoint's class now, not at the screen's first resize: a 1 MB text laid out first at the wrong
        # width costs a second layout (~150 ms)
        wide = app.size.width >= self.HORIZONTAL_BREAKPOINTS[1][0]
        self.set_class(not wide, "-narrow")
        self.set_class(wide, "-wide")
        self._changed_meanwhile = False
        self._saving = ""  # the last step, said "saved" once the writer has it in the store
        self._units_drawn: tuple[object, list[Highlight], list[GutterLayer]] = (None, [], [])
        keys.bind_scope(self, app.schema.keys, "review")
        # the stance and claim-type keys edit the unit's gold claim (the reader's keys, one keyboard)
        keys.bind_indexed(self, [c.key for c in app.schema.stances], "edit_stance")
        keys.bind_indexed(self, [c.key for c in app.schema.claim_types], "edit_type")

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="main"):
                yield Static(id="title")
                yield GutterTextView(id="text")
            yield Static(id="unit")
        yield StatusBar(id="status")

    def on_mount(self) -> None:
        self.query_one(StatusBar).hints = "n next · ⏎ pick · e edit · x none · ? keys"
        self._shown = True
        self.show()

    # -- drawing ----------------------------------------------------------------------------------

    def show(self) -> None:
        session = self.session
        view = self.query_one(GutterTextView)
        view.set_layers(self.gutter_layers())  # first: the text is laid out once, at the width beside the gutter
        view.set_document(session.text, self.highlights())
        self.show_title()
        self.refresh_view()

    def show_title(self) -> None:
        s = self.session
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(display_safe(s.article.title) or display_safe(s.article.id), style="bold")
        title.append(f"  review · {display_safe(s.letters.legend()) or 'no annotator opened it'}", style="dim")
        self.query_one("#title", Static).update(title)

    def highlights(self) -> list[Highlight]:
        """Every unit underlined, gold claims on top in their stance's colour. The units' highlights are
        made once per reading of the layers (the view finds what changed by identity: see set_highlights)."""
        s = self.session
        if self._units_drawn[0] is not s.units:
            self._units_drawn = (s.units, [Highlight(u.start, u.end, UNDERLINE) for u in s.units],
                                 self._annotator_layers())
        return self._units_drawn[1] + self.claim_highlights(s.gold)

    def _annotator_layers(self) -> list[GutterLayer]:
        s = self.session
        return [GutterLayer(s.letters.of(who)[:1], [(c.start, c.end) for u in s.units for c in u.variants.get(who, ())])
                for who in s.letters.ordered(s.annotators)]

    def gutter_layers(self) -> list[GutterLayer]:
        s = self.session
        self.highlights()  # the annotators' layers are made with the units' highlights
        gold = GutterLayer("G", [(c.start, c.end) for c in s.gold])
        negative = GutterLayer("∅", [(d.start, d.end) for d in s.decisions if d.how == "no claim"])
        return [*self._units_drawn[2], gold, negative]

    def refresh_view(self, scroll: bool = True) -> None:
        if not self._shown:
            return
        s = self.session
        view = self.query_one(GutterTextView)
        view.set_highlights(self.highlights())
        view.set_layers(self.gutter_layers())
        unit = s.unit
        if unit is not None:
            view.set_selection(unit.start, unit.end, scroll=scroll)
        panel = self.query_one("#unit", Static)
        panel.update(unit_text(s, panel.content_region.width or self.app.size.width - 2), layout=False)

    def say(self, message: str) -> None:
        if self._shown:
            self.query_one(StatusBar).say(message)

    def step(self, fn: Callable[..., str | None], *args: object) -> None:
        """Run a review step: shown at once, saved by the writer (the status line says so when it is).
        A refusal becomes a message, never a traceback."""
        try:
            what = fn(*args)
        except StoreError as exc:
            self.app.report_error(exc, title="not saved")
            return
        if what is None:
            self.say("nothing to do")
        else:
            self._saving = what
            if self.writer.idle:  # saved at once (a gold link step), or the writer was quick
                self.query_one(StatusBar).saved(what)
            else:
                self.say(f"saving… {what}")
        self.refresh_view()

    def on_gold_saved(self, message: GoldSaved) -> None:
        self.app.note_own_save()
        if not self.writer.idle:
            return
        if self._shown:
            self.query_one(StatusBar).saved(self._saving)
        if self._changed_meanwhile:  # another process saved while ours were queued: read it all now
            self._changed_meanwhile = False
            self.on_store_changed(StoreChanged())

    def on_gold_refused(self, message: GoldRefused) -> None:
        self.app.report_error(message.error, title="not saved")
        try:
            self.session.resync()
        except StoreError as exc:
            self.app.report_error(exc)
        self.writer.refused_handled()
        self.say("not saved: the review shows the store as it is (undo history cleared)")
        self.refresh_view(scroll=False)

    def on_unmount(self) -> None:
        self.writer.close()

    def on_store_changed(self, message: StoreChanged) -> None:
        """An annotator (or another reviewer) saved: units, decisions and 'sources changed' marks again. Not
        while our own steps wait in the writer: the store is behind what the screen shows until they are in."""
        if not self.writer.idle:
            self._changed_meanwhile = True
            return
        try:
            self.session.reload()
        except StoreError as exc:
            self.app.report_error(exc)
            return
        self.refresh_view(scroll=False)

    # -- moving -------------------------------------------------------------------------------------

    def action_next_conflict(self) -> None:
        if not self.session.next_conflict(1):
            self.say("no open conflict in this article (A accepts the unanimous units)")
        self.refresh_view()

    def action_prev_conflict(self) -> None:
        if not self.session.next_conflict(-1):
            self.say("no open conflict in this article")
        self.refresh_view()

    def action_next_unit(self) -> None:
        self.session.move(1)
        self.refresh_view()

    def action_prev_unit(self) -> None:
        self.session.move(-1)
        self.refresh_view()

    def on_article_text_view_clicked(self, message: GutterTextView.Clicked) -> None:
        """A click on the text: the unit there (or the next one) goes under the cursor."""
        if self.session.unit_at(message.offset):
            self.refresh_view(scroll=False)

    def action_next_variant(self) -> None:
        who = self.session.next_variant()
        if who is not None:
            self.say(f"variant of {self.session.letters.name(who)}")
        self.refresh_view(scroll=False)

    # -- decisions ----------------------------------------------------------------------------------

    def action_pick(self) -> None:
        self.step(self.session.pick)

    def action_edit(self) -> None:
        s = self.session
        if s.decision is None or not s.decision.claim_ids:
            self.step(s.pick)
        self._saving = "editing gold: stance/type keys, t target, h/l/H/L bounds, u undo"
        self.say(self._saving)
        self.refresh_view(scroll=False)

    def action_no_claim(self) -> None:
        self.step(self.session.no_claim)

    def action_accept_unanimous(self) -> None:
        self.step(self.session.accept_unanimous)

    def action_rationale(self) -> None:
        decision = self.session.decision
        if decision is None:
            self.say("decide the unit first (Enter pick, e edit, x no claim), then give the reason")
            return
        from ..prompt.rationale import RationaleScreen

        unit = self.session.unit
        quote = self.session.text[unit.start:unit.end] if unit else ""

        def done(text: str | None) -> None:
            if text is not None:
                self.step(self.session.rationale, text)

        self.app.push_screen(RationaleScreen(decision.rationale, quote), done)

    def action_edit_stance(self, index: int) -> None:
        self.step(self.session.edit_stance, self.app.schema.stances[index].name)

    def action_edit_type(self, index: int) -> None:
        self.step(self.session.edit_type, self.app.schema.claim_types[index].name)

    def action_cycle_target(self) -> None:
        self.step(self.session.edit_target)

    def action_extend_end(self) -> None:
        self.step(self.session.edit_bounds, "end", 1)

    def action_shrink_end(self) -> None:
        self.step(self.session.edit_bounds, "end", -1)

    def action_extend_start(self) -> None:
        self.step(self.session.edit_bounds, "start", 1)

    def action_shrink_start(self) -> None:
        self.step(self.session.edit_bounds, "start", -1)

    def action_labels(self) -> None:
        from ..labels.screen import LabelsScreen

        self.app.push_screen(LabelsScreen(self.session), lambda _: self.refresh_view(scroll=False))

    def action_link(self) -> None:
        """The focused variant's first link to another article, made (or unmade) a gold link (u undoes)."""
        from annotations.review.links import unit_links

        s, unit = self.session, self.session.unit
        if unit is None:
            return
        found = unit_links(self.app.store, unit, self.app.store.all_links())
        chosen = [u for u in found if u.who == s.variant] or found
        if not chosen:
            self.say("no annotator linked a claim of this unit to another article")
            return
        try:
            self.say(s.toggle_gold_link(chosen[0]))
        except (EditRefused, StoreError) as exc:
            self.say(str(exc))
        self.refresh_view(scroll=False)

    def action_undo(self) -> None:
        self.step(self.session.undo)

    def action_redo(self) -> None:
        self.step(self.session.redo)

    # -- leaving ------------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.writer.flush()  # the list counts what is saved
        self.app.pop_screen()

    def action_quit(self) -> None:
        self.writer.flush()
        self.app.exit(0)

    def action_help(self) -> None:
        from ..help.screen import HelpScreen

        self.app.push_screen(HelpScreen("review"))

