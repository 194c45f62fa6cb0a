"""The compare view: two articles side by side (stacked under 120 columns), each with the annotator's claims
as in the reader. `j`/`k` walk the focused side's sentences; the other side scrolls to the counterpart
(``annotations/compare``) and selects it; the words that differ inside the pair are marked on both sides
(the framing difference). A sentence with no counterpart says so, with the best candidate's score, and
the other side is left where it was. Tab focuses the other side; n/N visit the focused side's claims one
at a time (the claim in focus is the one ``l`` links); p holds both sides, each then moving only by its own
keys, for a pair the aligner does not make.

Two news articles are aligned before the view shows (milliseconds). Texts of ``AT_ONCE`` code points or
more together are aligned by a thread worker (two 1 MB texts: 1.5-4 s, ``bench/bench_align.py``) while the
view says so; keys wait for it."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.screen import Screen
from textual.widgets import Static

from annotations.compare.session import CompareSession, Pairing
from annotations.errors import EditRefused, StoreError
from annotations.text.display import counted, display_safe

from ... import keys
from ...widgets.claim_styles import ClaimHighlights, ClaimStyles, stance_layers
from ...widgets.gutter_view import GutterTextView
from ...widgets.status_bar import StatusBar
from ...widgets.text_view import ArticleTextView

SIDE_NAMES = ("A", "B")
AT_ONCE = 200_000  # code points of both texts under which the view is aligned before it shows


class CompareScreen(Screen[None]):
    CSS_PATH = "compare.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    def __init__(self, a_id: str, b_id: str, at: int | None = None):
        """``at``: an offset of A whose sentence is selected first (the reader's claim)."""
        super().__init__()
        app = self.app
        self.ids, self.at = (a_id, b_id), at
        self.session: CompareSession | None = None
        if sum(getattr(app.store.article(x), "length", 0) for x in self.ids) < AT_ONCE:
            self.session = self._open()
        self.styles_of = [ClaimHighlights(ClaimStyles(app.schema, app.no_color)) for _ in range(2)]
        wide = app.size.width >= self.HORIZONTAL_BREAKPOINTS[1][0]
        self.set_class(not wide, "-narrow")
        self.set_class(wide, "-wide")
        self.set_class(app.no_color, "-no-color")
        keys.bind_scope(self, app.schema.keys, "compare")

    def compose(self) -> ComposeResult:
        with Container(id="sides"):
            for k in range(2):
                with Vertical(classes="side", id=f"side-{k}"):
                    yield Static(classes="title", id=f"title-{k}")
                    # under NO_COLOR a gutter names each line's stances, as in the reader
                    yield (GutterTextView if self.app.no_color else ArticleTextView)(id=f"text-{k}")
        yield StatusBar(id="status")

    def _open(self) -> CompareSession:
        session = CompareSession(self.app.store, self.app.annotator, *self.ids)
        if self.at is not None:
            session.select_at(self.at)
        return session

    def on_mount(self) -> None:
        self.query_one(StatusBar).hints = "j/k move · n claim · Tab other side · p hold · l link · Esc back"
        if self.session is not None:
            self._show_sides(self.session)
            return
        self.say(f"aligning {display_safe(self.ids[0])} and {display_safe(self.ids[1])} (long texts)…")
        self.run_worker(self._open_in_background, thread=True, exclusive=True, group="align")

    def _open_in_background(self) -> None:
        try:
            session = self._open()
            session.pairing()  # the first alignment also indexes both sides
        except (KeyError, StoreError, OSError) as exc:
            self.app.call_from_thread(self.say, f"cannot compare: {display_safe(str(exc))}")
            return
        self.app.call_from_thread(self._opened, session)

    def _opened(self, session: CompareSession) -> None:
        self.session = session
        self._show_sides(session)

    def ready(self) -> CompareSession | None:
        """The session, once aligned (None: still aligning, said on the status line)."""
        if self.session is None:
            self.say("still aligning the two texts…")
        return self.session

    def _show_sides(self, session: CompareSession) -> None:
        for k, side in enumerate(session.sides):
            view = self.view(k)
            if isinstance(view, GutterTextView):
                view.set_layers(stance_layers(self.app.schema, side.claims))
            view.set_document(side.text, self.styles_of[k](side.claims), session.marked(k))
        self.show(session.pairing())
        self.view(0).focus()

    def view(self, side: int) -> ArticleTextView:
        return self.query_one(f"#text-{side}", ArticleTextView)

    def show(self, p: Pairing) -> None:
        s = self.session
        assert s is not None
        for k, side in enumerate(s.sides):
            title = Text(no_wrap=True, overflow="ellipsis")
            title.append(f"{'▶' if k == p.focus else ' '} {SIDE_NAMES[k]} ", style="bold reverse" if k == p.focus else "bold")
            title.append(f" {display_safe(side.article.id)} · {counted(len(side.claims), 'claim', 'claims')} · ", style="dim")
            title.append(display_safe(side.article.title), style="bold")
            self.query_one(f"#title-{k}", Static).update(title)
            self.view(k).set_matches(p.differ[k])
        for k in (0, 1):
            self.view(k).set_selection(*s.marked(k))
        here, other = SIDE_NAMES[p.focus], SIDE_NAMES[1 - p.focus]
        differ = " · {} / {} words differ (marked)".format(*(len(d) for d in p.differ))
        links = s.links_here()
        linked = f" · {counted(links, 'link', 'links')}" if links else ""
        if p.held:
            aligned = (f"its counterpart is {other} {p.there.index + 1}" if p.there is not None
                       else f"it has no counterpart in {other}")
            self.say(f"{here} {p.here + 1} · {other} {p.other + 1} held (p: follow; {aligned}){differ}{linked}")
        elif p.there is not None:
            self.say(f"{here} {p.here + 1} ↔ {other} {p.there.index + 1} (score {p.there.score:.2f}){differ}{linked}")
        else:
            best = f"; best candidate {other} {p.best.index + 1}, score {p.best.score:.2f}" if p.best else ""
            self.say(f"{here} {p.here + 1}: no counterpart in {other}{best}")

    def say(self, message: str) -> None:
        self.query_one(StatusBar).say(message)

    def walk(self, step: Callable[[CompareSession], Pairing]) -> None:
        """A key that moves the session (once aligned), then the screen shows where it went."""
        if (s := self.ready()) is not None:
            self.show(step(s))

    def action_next_sentence(self) -> None:
        self.walk(lambda s: s.move(1))

    def action_prev_sentence(self) -> None:
        self.walk(lambda s: s.move(-1))

    def action_next_claim(self) -> None:
        self.walk(lambda s: s.jump_claim(1))

    def action_prev_claim(self) -> None:
        self.walk(lambda s: s.jump_claim(-1))

    def action_switch_side(self) -> None:
        if (s := self.ready()) is None:
            return
        p = s.switch()
        self.view(p.focus).focus()
        self.show(p)

    def action_hold(self) -> None:
        self.walk(CompareSession.hold)

    def action_link(self) -> None:
        from ..prompt.char_prompt import CharPrompt

        if (session := self.ready()) is None:
            return

        relations = {"s": "same", "r": "related", "c": "contradicts"}

        def chosen(ch: str | None) -> None:
            relation = relations.get(ch or "")
            if relation is None:
                self.say("not linked" + (f": {display_safe(ch)!r} is not s, r or c" if ch else ""))
                return
            try:
                link = session.link(relation)
            except (EditRefused, StoreError) as exc:
                self.say(str(exc))
                return
            self.say(f"✓ linked as {link.relation} · u undoes")

        self.app.push_screen(CharPrompt(" link as  s same · r related · c contradicts: "), chosen)

    def action_undo(self) -> None:
        if (s := self.ready()) is None:
            return
        try:
            link = s.undo_link()
        except StoreError as exc:
            self.say(str(exc))
            return
        self.say(f"undo: link ({link.relation}) removed" if link else "no link made here to undo")

    def action_help(self) -> None:
        from ..help.screen import HelpScreen

        self.app.push_screen(HelpScreen("compare"))

    def action_back(self) -> None:
        self.app.pop_screen()  # to the reader it was opened from, or (claimtag compare) the article list

    def action_quit(self) -> None:
        self.app.exit(0)
