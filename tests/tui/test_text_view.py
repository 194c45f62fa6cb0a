"""Pilot tests of ArticleTextView: what each cell shows, scrolling, safety with hostile text, mouse."""

from __future__ import annotations

import pytest
from rich.cells import get_character_cell_size
from rich.style import Style
from textual.app import App, ComposeResult

from tui.testing import screen_lines, screen_strips
from tui.widgets.text_layout import is_safe
from tui.widgets.text_view import ArticleTextView, Highlight

pytestmark = pytest.mark.anyio  # async Pilot tests run by anyio's pytest plugin


@pytest.fixture
def anyio_backend():
    return "asyncio"


RED = Style(color="#ff0000")  # truecolor: the compositor maps ANSI colours to the theme's
BLUE_BOLD = Style(color="blue", bold=True)


class ViewApp(App):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []

    def compose(self) -> ComposeResult:
        yield ArticleTextView()

    def on_article_text_view_clicked(self, message: ArticleTextView.Clicked) -> None:
        self.messages.append(message)

    def on_article_text_view_dragged(self, message: ArticleTextView.Dragged) -> None:
        self.messages.append(message)


def cells(strip) -> list[tuple[str, Style]]:
    """One (text, style) per terminal cell; a wide glyph's second cell is ("", style); zero-width
    characters are appended to the cell before them."""
    out: list[tuple[str, Style]] = []
    for seg in strip:
        for ch in seg.text:
            w = get_character_cell_size(ch)
            if w == 0 and out:
                out[-1] = (out[-1][0] + ch, out[-1][1])
            else:
                out.append((ch, seg.style))
                if w == 2:
                    out.append(("", seg.style))
    return out


def styled(strip, pred) -> str:
    """The characters of the cells whose style satisfies `pred`."""
    return "".join(t for t, st in cells(strip) if pred(st))


def is_red(st: Style) -> bool:
    return st.color is not None and st.color.triplet == (255, 0, 0)


async def show(pilot, text, highlights=(), size=(80, 24)):
    view = pilot.app.query_one(ArticleTextView)
    view.set_document(text, highlights)
    await pilot.pause()
    return view


async def test_renders_wrapped_text():
    app = ViewApp()
    async with app.run_test(size=(40, 10)) as pilot:
        view = await show(pilot, "The quick brown fox jumps over the lazy dog again.\n\nSecond.")
        width = view.layout.width
        assert width == view.scrollable_content_region.width
        texts = [view.render_line(y).text for y in range(5)]
        assert width == 38  # 40 columns less the vertical scrollbar
        assert texts[0].rstrip() == "The quick brown fox jumps over the"
        assert texts[1].rstrip() == "lazy dog again."
        assert texts[2].strip() == "" and texts[3].rstrip() == "Second."
        assert all(view.render_line(y).cell_length == width for y in range(10))
        screen = screen_lines(app)
        assert screen[0].startswith("The quick brown fox jumps over the ")
        assert screen[3].startswith("Second. ")


async def test_highlight_cells_on_fullwidth_brackets():
    text = "【Text by Observers Network】 reported"
    start = text.index("Observers")
    app = ViewApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show(pilot, text, [Highlight(start, start + 9, RED)])
        row = cells(view.render_line(0))
        red_x = [x for x, (_t, st) in enumerate(row) if is_red(st)]
        assert red_x == list(range(10, 19))  # 【 takes cells 0-1, "Text by " 2-9
        assert "".join(row[x][0] for x in red_x) == "Observers"
        on_screen = cells(screen_strips(app)[0])  # after the compositor too
        assert [x for x, (_t, st) in enumerate(on_screen) if is_red(st)] == red_x
        # the closing bracket's highlight covers both of its cells
        end = text.index("】")
        view.set_highlights([Highlight(end, end + 1, RED)])
        await pilot.pause()
        row = cells(view.render_line(0))
        assert [x for x, (_t, st) in enumerate(row) if is_red(st)] == [27, 28]  # 2 + 25 narrow cells


async def test_highlight_cells_with_emoji_and_combining_marks():
    text = "a😀b café\u0301 世界 end"  # "café" + a combining acute on the é
    app = ViewApp()
    async with app.run_test(size=(80, 24)) as pilot:
        b = text.index("b")
        view = await show(pilot, text, [Highlight(b, b + 1, RED)])
        row = cells(view.render_line(0))
        assert [x for x, (_t, st) in enumerate(row) if is_red(st)] == [3]  # a=0, 😀=1-2, b=3
        caf = text.index("caf")
        view.set_highlights([Highlight(caf, caf + 5, RED)])  # "café" + the mark
        await pilot.pause()
        assert styled(view.render_line(0), is_red) == "café\u0301"
        # a span that starts on the mark does not split the glyph: the cell keeps its base's style
        view.set_highlights([Highlight(caf + 4, caf + 7, RED)])
        await pilot.pause()
        assert styled(view.render_line(0), is_red) == " 世"
        world = text.index("世")
        view.set_highlights([Highlight(world, world + 2, RED)])
        await pilot.pause()
        row = cells(view.render_line(0))
        assert [x for x, (_t, st) in enumerate(row) if is_red(st)] == [10, 11, 12, 13]


async def test_overlapping_highlights_inner_wins_and_attributes_combine():
    text = "one two three four"
    outer = Highlight(0, 13, Style(color="white", bgcolor="red"))
    inner = Highlight(4, 7, BLUE_BOLD)
    app = ViewApp()
    async with app.run_test(size=(80, 24)) as pilot:
        for order in ([outer, inner], [inner, outer]):
            view = await show(pilot, text, order)
            row = cells(view.render_line(0))
            t, st = row[4]
            assert t == "t" and st.color.name == "blue" and st.bold and st.bgcolor.name == "red"
            t, st = row[0]
            assert st.color.name == "white" and st.bgcolor.name == "red" and not st.bold
            assert row[14][1].bgcolor is None or row[14][1].bgcolor.name != "red"


async def test_selection_and_matches_are_drawn_on_top():
    text = "alpha beta gamma delta"
    app = ViewApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show(pilot, text, [Highlight(0, 10, RED)])
        view.set_selection(6, 10)
        view.set_matches([(11, 16)])
        await pilot.pause()
        assert view.selection == (6, 10)
        strip = view.render_line(0)
        assert styled(strip, lambda st: bool(st.reverse)) == "beta"
        assert styled(strip, lambda st: bool(st.underline)) == "gamma"
        assert styled(strip, is_red) == "alpha beta"  # the highlight stays under the selection
        view.set_selection(3, 3)  # an empty selection is a one-character caret
        await pilot.pause()
        assert styled(view.render_line(0), lambda st: bool(st.reverse)) == "h"


async def test_markup_and_escapes_are_shown_not_obeyed():
    text = (
        "[bold]x[/] [@click=app.quit] [link=http://x]y[/link]\n"
        "\x1b]0;title\x07 \x1b[2J \x9b31m tab\there\x00 \x7f \u202eevil"
    )
    app = ViewApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show(pilot, text)
        first, second = view.render_line(0), view.render_line(1)
        assert first.text.rstrip() == "[bold]x[/] [@click=app.quit] [link=http://x]y[/link]"
        assert not any(seg.style and (seg.style.bold or seg.style.link or seg.style.meta) for seg in first)
        assert second.text.startswith("\u241b]0;title\u2407 \u241b[2J \ufffd31m tab here\u2400 \u2421 \ufffdevil")
        for y in range(2):
            shown = "".join(seg.text for seg in view.render_line(y))
            assert is_safe(shown) and "\x1b" not in shown and "\x07" not in shown
        await pilot.click(ArticleTextView, offset=(12, 0))  # on "[@click=app.quit]"
        assert app.is_running
        screen = screen_lines(app)
        assert screen[0].startswith("[bold]x[/] [@click=app.quit]")
        assert all(is_safe(line) for line in screen)
        assert "\x1b" not in app.export_screenshot()


async def test_set_selection_scrolls_only_when_needed():
    lines = [f"line {i:04d} of the article." for i in range(500)]
    text = "\n".join(lines)
    app = ViewApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show(pilot, text)
        height = view.scrollable_content_region.height
        assert view.scroll_y == 0
        at = text.index("line 0300")
        view.set_selection(at, at + 9)
        await pilot.pause()
        top = round(view.scroll_y)
        assert top < 300 < top + height and abs(300 - (top + height // 2)) <= 1  # centred
        assert view.render_line(300 - top).text.startswith("line 0300")
        at2 = text.index("line 0305")
        view.set_selection(at2, at2 + 9)  # already visible: no jump
        await pilot.pause()
        assert round(view.scroll_y) == top
        view.set_selection(0, 4, scroll=False)
        await pilot.pause()
        assert round(view.scroll_y) == top
        view.set_selection(0, 4)
        await pilot.pause()
        assert view.scroll_y == 0


async def test_selection_set_before_mount_scrolls_once_laid_out():
    text = "\n".join(f"row {i}" for i in range(300))
    at = text.index("row 250")
    view = ArticleTextView()
    view.set_document(text, selection=(at, at + 7))

    class Early(App):
        def compose(self) -> ComposeResult:
            yield view

    async with Early().run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        top = round(view.scroll_y)
        assert top <= 250 < top + view.scrollable_content_region.height


async def test_moving_the_selection_rerenders_only_touched_lines():
    text = "\n".join(f"sentence number {i}." for i in range(200))
    app = ViewApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show(pilot, text)
        view.set_selection(0, 5)
        await pilot.pause()
        rendered: list[int] = []
        original = view._render_text_line

        def spy(layout, line, width):
            rendered.append(line)
            return original(layout, line, width)

        view._render_text_line = spy
        for i in range(1, 6):
            at = text.index(f"number {i}.")
            view.set_selection(at, at + 6)
            await pilot.pause()
        assert rendered and set(rendered) <= set(range(0, 6))
        assert len(rendered) <= 10


async def test_resize_rewraps_and_keeps_the_top_line():
    text = " ".join(f"word{i}" for i in range(3000))
    app = ViewApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show(pilot, text)
        n_wide = len(view.layout)
        view.scroll_to(y=100, animate=False)
        await pilot.pause()
        top_offset = view.layout.starts[100]
        await pilot.resize_terminal(40, 24)
        await pilot.pause()
        assert view.layout.width == view.scrollable_content_region.width < 40
        assert len(view.layout) > n_wide
        top = round(view.scroll_y)
        assert view.layout.starts[top] <= top_offset < view.layout.ends[top] + 1


async def test_click_and_drag_post_offsets():
    text = "【Text】 alpha beta gamma"
    app = ViewApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await show(pilot, text)
        await pilot.click(ArticleTextView, offset=(2, 0))  # "T" after the 2-cell bracket
        assert app.messages[-1] == ArticleTextView.Clicked(1)
        await pilot.click(ArticleTextView, offset=(1, 0))  # second cell of 【
        assert app.messages[-1] == ArticleTextView.Clicked(0)
        await pilot.click(ArticleTextView, offset=(60, 0))  # past the end: last character
        assert app.messages[-1] == ArticleTextView.Clicked(len(text) - 1)
        alpha = text.index("alpha")
        await pilot.mouse_down(ArticleTextView, offset=(12, 0))  # inside "alpha"
        await pilot.mouse_up(ArticleTextView, offset=(17, 0))  # inside "beta"
        assert app.messages[-1] == ArticleTextView.Dragged(alpha, alpha + len("alpha beta"))


async def test_keys_left_to_the_app():
    bindings = {b.key for b in ArticleTextView.BINDINGS}
    assert "up" not in bindings and "down" not in bindings and "pagedown" in bindings


async def test_selection_and_matches_visible_with_no_color(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = ViewApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show(pilot, "alpha beta gamma", [Highlight(0, 5, RED)])
        view.set_selection(6, 10)
        view.set_matches([(11, 16)])
        await pilot.pause()
        on_screen = screen_strips(app)[0]
        assert not any(st.color and st.color.triplet == (255, 0, 0) for _t, st in cells(on_screen))
        assert styled(on_screen, lambda st: bool(st.reverse)) == "beta"
        assert styled(on_screen, lambda st: bool(st.underline)) == "gamma"


async def test_focus_style_is_picked_up():
    class FocusApp(ViewApp):
        CSS = "ArticleTextView:focus { background: #123456; }"

    app = FocusApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show(pilot, "some text")
        view.blur()
        await pilot.pause()
        assert view.render_line(0)._segments[0].style.bgcolor.triplet != (0x12, 0x34, 0x56)
        view.focus()
        await pilot.pause()
        assert view.render_line(0)._segments[0].style.bgcolor.triplet == (0x12, 0x34, 0x56)


async def test_changing_a_few_highlights_redraws_exactly_like_a_full_render():
    text = "\n".join(f"Sentence {i} says something about AI policy." for i in range(60))
    spans = [(text.index(f"Sentence {i} "), text.index(f"Sentence {i} ") + 12) for i in range(0, 60, 3)]
    before = [Highlight(a, b, RED) for a, b in spans]
    new = (text.index("Sentence 4 "), text.index("Sentence 4 ") + 30)
    after = [*before[:5], Highlight(*new, BLUE_BOLD), *before[6:]]  # one added, one removed
    app = ViewApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = await show(pilot, text, before)
        for y in range(20):
            view.render_line(y)  # fill the line cache
        view.set_highlights(after)
        await pilot.pause()
        incremental = [cells(view.render_line(y)) for y in range(20)]
        view.set_document(text, after)
        await pilot.pause()
        full = [cells(view.render_line(y)) for y in range(20)]
    assert incremental == full
    assert any(is_red(st) for row in full for _t, st in row)
