"""The action table is the one place keys are declared: the README's table is generated from it, every
action has a handler in the screen or widget of its scope, and [keys] validation follows it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotations.schema import ACTIONS, DEFAULT_KEYS, SCOPES, SchemaError, load_schema
from annotations.schema.actions import markdown_table

ROOT = Path(__file__).resolve().parents[2]


def test_readme_key_table_is_the_action_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- keys:begin[^>]*-->\n(.*?)\n<!-- keys:end -->", readme, re.S)
    assert m, "README has no generated key table"
    assert m.group(1) == markdown_table(), "README key table is stale: regenerate it from markdown_table()"


def test_every_action_has_a_handler_in_its_scope():
    from tui.app import ClaimtagApp
    from tui.screens.compare.picker import SimilarPicker
    from tui.screens.compare.screen import CompareScreen
    from tui.screens.help.screen import HelpScreen
    from tui.screens.labels.screen import LabelsScreen
    from tui.screens.list.screen import ArticleListScreen
    from tui.screens.prompt.line_prompt import LinePrompt
    from tui.screens.reader.screen import ReaderScreen
    from tui.screens.review.screen import ReviewScreen
    from tui.screens.review_list.screen import ReviewListScreen

    handlers = {"app": ClaimtagApp, "list": ArticleListScreen, "reader": ReaderScreen, "claims": ReaderScreen,
                "labels": LabelsScreen, "prompt": LinePrompt, "help": HelpScreen, "review": ReviewScreen,
                "review_list": ReviewListScreen, "compare": CompareScreen, "pick": SimilarPicker}
    assert set(handlers) == set(SCOPES)
    for action in ACTIONS:
        assert callable(getattr(handlers[action.scope], f"action_{action.name}", None)), action.id


def test_ids_are_namespaced_and_unique():
    ids = [a.id for a in ACTIONS]
    assert len(ids) == len(set(ids))
    assert all(a.scope in SCOPES and a.name.isidentifier() for a in ACTIONS)
    assert load_schema().keys == DEFAULT_KEYS


def write(tmp_path: Path, keys: str) -> Path:
    base = (ROOT / "annotations" / "schema" / "default_schema.toml").read_text(encoding="utf-8")
    path = tmp_path / "claimtag.toml"
    path.write_text(base + "\n" + keys, encoding="utf-8")
    return path


def test_every_scope_is_remappable(tmp_path):
    s = load_schema(write(tmp_path, '[keys]\nundo = "z"\nlist.open = ["o", "enter"]\n'
                                    '[keys.labels]\nclose = "c"\n[keys.help]\nclose = "f1"\n'))
    assert s.keys["reader.undo"] == ("z",) and s.keys["list.open"] == ("o", "enter")
    assert s.keys["labels.close"] == ("c",) and s.keys["help.close"] == ("f1",)
    assert s.action_for_key("o", "list") == "list.open"


@pytest.mark.parametrize("keys,problem", [
    ('[keys.list]\nopen = "j"\n', "key 'j' is already used by action list.cursor_down in the article list"),
    ('[keys.prompt]\nsubmit = "x"\n', "'x' is typed text in a prompt"),
    ('[keys.labels]\nclose = "1"\n', "action labels.close: key '1' is already used by label value"),
    ('[keys.app]\nquit = "n"\n', "key 'n' is already used by action reader.next_claim"),
    ('[keys.nowhere]\nfoo = "x"\n', "unknown action 'nowhere.foo'"),
])
def test_clashes_are_checked_per_screen(tmp_path, keys, problem):
    path = write(tmp_path, keys)
    with pytest.raises(SchemaError) as err:
        load_schema(path)
    assert problem in str(err.value) and str(err.value).startswith(f"{path}:")
