"""The article list widget: rendering, keys, messages, filter, untrusted titles, 10,000 rows.

Assertions are on what the screen shows (the compositor's rendered lines), not on timing.
"""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult

from annotations.models import Article, Progress
from tui.testing import screen_lines, screen_strips
from tui.widgets.article_list import ArticleList
from tui.widgets.article_rows import basename, count_text, fit, human_length, safe_text

STATUSES = ("todo", "in progress", "done")

pytestmark = pytest.mark.anyio  # async Pilot tests run by anyio's pytest plugin (no pytest-asyncio here)


@pytest.fixture
def anyio_backend():
    return "asyncio"


def row(i: int, title: str | None = None, status: str = "todo", n: int = 0,
        length: int = 8200, source: str = "feeds/2024/story.txt") -> Progress:
    art = Article(id=f"a{i:05d}", title=f"Story number {i}" if title is None else title,
                  source=source, sha256="0" * 64, length=length)
    return Progress(art, status, n)


def many(n: int) -> list[Progress]:
    return [row(i, status=STATUSES[i % 3], n=i % 4) for i in range(n)]


class ListApp(App):
    def __init__(self, rows: list[Progress]) -> None:
        super().__init__()
        self.rows = rows
        self.opened: list[str] = []
        self.highlighted: list[str] = []

    def compose(self) -> ComposeResult:
        yield ArticleList(id="list")

    def on_mount(self) -> None:
        lst = self.query_one(ArticleList)
        lst.set_rows(self.rows)
        lst.focus()

    def on_article_list_opened(self, event: ArticleList.Opened) -> None:
        self.opened.append(event.article_id)

    def on_article_list_highlighted(self, event: ArticleList.Highlighted) -> None:
        self.highlighted.append(event.article_id)



def line_of(app: App, needle: str) -> str:
    hits = [line for line in screen_lines(app) if needle in line]
    assert hits, f"{needle!r} not on screen:\n" + "\n".join(screen_lines(app))
    return hits[0]


async def test_rows_show_status_marks_lengths_and_counts():
    rows = [row(0, "Alpha", "todo", 0, 950), row(1, "Beta", "in progress", 2, 8200),
            row(2, "Gamma", "done", 17, 1_234_567, source="https://x.org/news/gamma.html")]
    app = ListApp(rows)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        assert all(cell_len(line) == 80 for line in lines)
        header = lines[0]
        for name in ("title", "source", "length", "claims"):
            assert name in header
        alpha, beta, gamma = line_of(app, "Alpha"), line_of(app, "Beta"), line_of(app, "Gamma")
        assert alpha.startswith("· Alpha") and alpha.split()[-3:] == ["story.txt", "950", "0"]
        assert beta.startswith("◐ Beta") and beta.split()[-2:] == ["8.2k", "2"]
        assert gamma.startswith("✓ Gamma") and gamma.split()[-3:] == ["gamma.html", "1.2M", "17"]
        assert lines.index(alpha) == 1  # rows start right under the header
        assert "feeds/2024" not in alpha  # the source's basename only


async def test_cursor_row_is_reversed():
    app = ListApp(many(5))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        strips = screen_strips(app)
        reversed_rows = [y for y, strip in enumerate(strips)
                         if any(seg.style and seg.style.reverse for seg in strip if seg.text.strip())]
        assert reversed_rows == [2]
        assert "Story number 1" in strips[2].text


async def test_wide_shows_status_words_and_ids_narrow_hides_source():
    app = ListApp([row(0, status="in progress", n=3)])
    async with app.run_test(size=(140, 10)) as pilot:
        await pilot.pause()
        line = line_of(app, "Story number 0")
        assert line.startswith("◐ in progress Story number 0") and "a00000" in line
        assert "status" in screen_lines(app)[0]
    app = ListApp([row(0, status="in progress", n=3)])
    async with app.run_test(size=(50, 10)) as pilot:
        await pilot.pause()
        assert "source" not in screen_lines(app)[0]
        line = line_of(app, "Story number 0")
        assert line.startswith("◐ Story") and "story.txt" not in line and line.split()[-2:] == ["8.2k", "3"]
    app = ListApp([row(0, status="in progress", n=3)])  # a side pane: title and claim count only
    async with app.run_test(size=(30, 10)) as pilot:
        await pilot.pause()
        assert screen_lines(app)[0].split() == ["title", "#"]
        line = line_of(app, "Story number 0")
        assert line.startswith("◐ Story number 0") and line.split()[-1] == "3" and "8.2k" not in line


async def test_keys_move_the_cursor_and_keep_it_visible():
    app = ListApp(many(100))
    async with app.run_test(size=(80, 24)) as pilot:
        lst = app.query_one(ArticleList)
        await pilot.press("j", "j", "down")
        assert lst.current.article.id == "a00003"
        await pilot.press("k", "up")
        assert lst.current.article.id == "a00001"
        await pilot.press("pagedown")
        assert lst.current.article.id == "a00024"  # 23 rows fit under the header
        cur = lst.current.article.title
        assert cur in "\n".join(screen_lines(app))
        await pilot.press("end")
        assert lst.current.article.id == "a00099"
        lines = screen_lines(app)
        assert "Story number 99" in lines[-1] and "Story number 0 " not in "\n".join(lines)
        await pilot.press("pageup")
        assert lst.current.article.id == "a00076"
        assert "Story number 76" in "\n".join(screen_lines(app))
        await pilot.press("home")
        assert lst.current.article.id == "a00000"
        assert "Story number 0" in screen_lines(app)[1]
        await pilot.press("k")  # at the top: stays
        assert lst.current.article.id == "a00000"
        assert app.highlighted[:3] == ["a00000", "a00001", "a00002"]


async def test_enter_and_clicks_open_the_article():
    app = ListApp(many(10))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "j", "enter")
        assert app.opened == ["a00002"]
        await pilot.click(ArticleList, offset=(5, 5))  # screen line 5 = row 4: moves the cursor
        await pilot.pause()
        assert app.query_one(ArticleList).current.article.id == "a00004" and app.opened == ["a00002"]
        await pilot.click(ArticleList, offset=(5, 5))  # clicking the current row opens it
        await pilot.pause()
        assert app.opened == ["a00002", "a00004"]
        await pilot.double_click(ArticleList, offset=(5, 7))
        await pilot.pause()
        assert app.opened[-1] == "a00006"
        await pilot.click(ArticleList, offset=(5, 0))  # the header: nothing
        await pilot.click(ArticleList, offset=(5, 20))  # below the last row: nothing
        await pilot.pause()
        assert app.opened[-1] == "a00006" and app.query_one(ArticleList).current.article.id == "a00006"


async def test_filter_by_title_id_source_and_text_hits():
    rows = [row(0, "Climate talks stall"), row(1, "Budget vote"), row(2, "CLIMATE protest"),
            row(3, "Weather", source="data/climate-feed.jsonl"), row(4, "Sports")]
    app = ListApp(rows)
    async with app.run_test(size=(80, 24)) as pilot:
        lst = app.query_one(ArticleList)
        await pilot.press("j", "j")  # cursor on a00002 (CLIMATE protest)
        lst.set_filter("climate")
        await pilot.pause()
        assert lst.visible_count == 3
        text = "\n".join(screen_lines(app))
        assert "Climate talks" in text and "CLIMATE protest" in text and "Weather" in text
        assert "Budget" not in text and "Sports" not in text
        assert lst.current.article.id == "a00002"  # the cursor stayed on its article
        lst.set_filter("climate", text_hits={"a00004"})
        await pilot.pause()
        assert lst.visible_count == 4 and "Sports" in "\n".join(screen_lines(app))
        lst.set_filter("A00001")  # ids match too, any case
        await pilot.pause()
        assert [lst.current.article.id, lst.visible_count] == ["a00001", 1]
        assert "Budget vote" in screen_lines(app)[1]
        lst.set_filter("no such thing")
        await pilot.pause()
        assert lst.visible_count == 0 and lst.current is None
        assert "No article matches" in screen_lines(app)[1]
        await pilot.press("j", "enter")  # nothing to move to or open
        assert app.opened == []
        lst.set_filter("", text_hits={"a00004"})
        await pilot.pause()
        assert lst.visible_count == 5


async def test_set_rows_keeps_the_cursor_on_its_article():
    app = ListApp(many(20))
    async with app.run_test(size=(80, 24)) as pilot:
        lst = app.query_one(ArticleList)
        await pilot.press("j", "j", "j", "j", "j")
        rows = list(reversed(many(20)))
        rows[14] = row(5, "Story number 5", "done", 9)  # index 14 in reversed order = article 5
        lst.set_rows(rows)
        await pilot.pause()
        assert lst.current.article.id == "a00005" and lst.current.status == "done"
        line = line_of(app, "Story number 5 ")
        assert line.startswith("✓") and line.split()[-1] == "9"
        lst.set_rows([r for r in many(20) if r.article.id != "a00005"])  # gone: the cursor keeps its place
        await pilot.pause()
        assert lst.current.article.id == "a00015" and lst.visible_count == 19
        lst.select_article("a00017")
        assert lst.current.article.id == "a00017"
        lst.select_article("nope")
        assert lst.current.article.id == "a00017"


async def test_untrusted_titles_show_literally_and_do_nothing():
    titles = ["[bold]loud[/bold] news", "[@click=app.quit]click me[/]", "evil\x1b]0;pwned\x07 \x1b[2J end",
              "c1\x9b31m and\ttab", "[/] stray close"]
    app = ListApp([row(i, t) for i, t in enumerate(titles)])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        text = "\n".join(lines)
        assert "[bold]loud[/bold] news" in text and "[@click=app.quit]click me[/]" in text
        assert "[/] stray close" in text
        assert "evil␛]0;pwned␇ ␛[2J end" in text and "c1\ufffd31m and tab" in text
        assert not any(ch in text for ch in "\x1b\x07\x9b\t")
        for strip in screen_strips(app):
            for seg in strip:
                assert not (seg.style and seg.style.bold and "loud" in seg.text)
                assert not (seg.style and seg.style.meta.get("@click"))
        await pilot.click(ArticleList, offset=(10, 2))
        await pilot.click(ArticleList, offset=(10, 2))
        await pilot.pause()
        assert app.is_running and app.opened == ["a00001"]
        assert all(cell_len(line) == 80 for line in screen_lines(app))


async def test_cjk_titles_are_cut_on_cell_widths():
    cjk = "【Text by Observers Network】" + "中文标题很长" * 10
    app = ListApp([row(0, cjk, n=1), row(1, "short", n=2)])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first, second = screen_lines(app)[1:3]
        assert "【Text by Observers Network】" in first and "…" in first
        assert cell_len(first) == cell_len(second) == 80
        # the columns after the title line up
        assert cell_len(first[: first.index("story.txt")]) == cell_len(second[: second.index("story.txt")])


async def test_ten_thousand_rows_mount_scroll_and_filter():
    app = ListApp(many(10_000))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lst = app.query_one(ArticleList)
        assert lst.visible_count == 10_000 and "Story number 0" in screen_lines(app)[1]
        await pilot.press("end")
        lines = screen_lines(app)
        assert "Story number 9999" in lines[-1] and "Story number 9977" in lines[1]
        await pilot.press("pageup", "k")
        assert lst.current.article.id == "a09975"
        assert "Story number 9975" in "\n".join(screen_lines(app))
        lst.set_filter("number 4242")
        await pilot.pause()
        assert lst.visible_count == 1 and "Story number 4242" in screen_lines(app)[1]


def test_helpers():
    assert [human_length(n) for n in (0, 999, 1000, 8200, 9960, 82_000, 999_000, 1_234_567, 56_000_000)] == \
        ["0", "999", "1.0k", "8.2k", "10k", "82k", "999k", "1.2M", "56M"]
    assert basename("a/b/c.txt") == "c.txt" and basename("https://x.org/n/") == "n"
    assert basename("C:\\news\\x.md") == "x.md" and basename("plain") == "plain"
    assert fit("abc", 5) == "abc  " and fit("abc", 5, right=True) == "  abc"
    cut = fit("中文标题", 5)
    assert cut.endswith("…") and cell_len(cut) == 5
    assert cell_len(fit("中文标题", 6)) == 6
    assert safe_text("a\x1bb\x00c\nd\u202ee") == "a␛b␀c d\ufffde"


def test_counts_shorten_to_fit_a_narrow_column():
    assert [count_text(n, 3) for n in (7, 999, 2001, 12_345, 999_999, 2_500_000)] == [
        "7", "999", "2k", "12k", "1M", "2M"]
    assert count_text(2001, 6) == "2001"
