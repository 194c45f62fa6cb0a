"""The label schema: built-in default, file lookup, [keys] merging, and one clear error per problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotations import schema as schema_mod
from annotations.schema import DEFAULT_KEYS, Choice, SchemaError, load_schema, normalize_key

BASE = '''\
default_type = "fact"
targets = ["A", "B"]

[[claim_types]]
name = "fact"
key = "f"
style = "underline"

[[claim_types]]
name = "opinion"
key = "o"

[[stances]]
name = "favor"
key = "1"
color = "green"

[[stances]]
name = "against"
key = "2"

[[labels]]
name = "frame"
choice = "multiple"
values = [
    {name = "economic", key = "1"},
    {name = "security", key = "2"},
]

[keys]
next_sentence = ["j", "down"]
'''


def write(tmp_path: Path, text: str, name: str = "claimtag.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(SchemaError) as info:
        load_schema(path)
    return str(info.value)


# --- the built-in schema --------------------------------------------------------------------------

def test_builtin_schema_values():
    s = load_schema()
    assert s.source == "built-in"
    assert [(c.name, c.key) for c in s.claim_types] == [("fact", "f"), ("opinion", "o"), ("prediction", "p")]
    assert s.default_type == "fact"
    assert [(c.name, c.key, c.color) for c in s.stances] == [
        ("favor", "1", "green"), ("against", "2", "red"), ("neutral", "3", "yellow")]
    assert s.targets == ("Chinese AI", "US AI policy") and s.default_target == "Chinese AI"
    stance, frame = s.label_sets
    assert (stance.name, stance.multiple) == ("stance", False)
    assert [(v.name, v.key) for v in stance.values] == [("favor", "1"), ("against", "2"), ("neutral", "3")]
    assert (frame.name, frame.multiple) == ("frame", True)
    assert [v.name for v in frame.values] == ["economic", "geopolitical", "security", "technology", "cultural"]
    assert [v.key for v in frame.values] == ["1", "2", "3", "4", "5"]
    assert s.keys == DEFAULT_KEYS
    assert s.guidelines_path is None


def test_builtin_styles_are_distinct_without_colour():
    """With NO_COLOR only the type styles show: they must differ and carry no colour of their own."""
    from rich.style import Style

    styles = [Style.parse(c.style) for c in load_schema().claim_types]
    assert len(set(styles)) == 3 and all(st.color is None and st.bgcolor is None for st in styles)
    assert len({c.color for c in load_schema().stances}) == 3


def test_lookups():
    s = load_schema()
    assert s.claim_type("opinion") == Choice("opinion", "o", None, "italic")
    assert s.claim_type("rumour") is None
    assert s.stance("against").color == "red" and s.stance("nope") is None
    assert s.label_set("frame").value_by_key("4").name == "technology"
    assert s.label_set("missing") is None
    assert s.type_by_key("p").name == "prediction" and s.type_by_key("1") is None
    assert s.stance_by_key("3").name == "neutral" and s.stance_by_key("f") is None
    assert s.action_for_key("/") == "reader.search" and s.action_for_key("down") == "reader.next_sentence"
    assert s.action_for_key("enter", "list") == "list.open" and s.action_for_key("enter") is None


def test_example_file_is_the_builtin(tmp_path):
    """default_schema.toml is the example users copy: copied into a project it loads the same."""
    shutil.copy(Path(schema_mod.__file__).with_name("default_schema.toml"), tmp_path / "claimtag.toml")
    copied = load_schema(None, tmp_path)
    assert copied.source == str(tmp_path / "claimtag.toml")
    builtin = load_schema()
    for field in ("claim_types", "default_type", "stances", "targets", "label_sets", "keys"):
        assert getattr(copied, field) == getattr(builtin, field)


# --- where the schema comes from -------------------------------------------------------------------

def test_project_file_is_picked_up(tmp_path):
    write(tmp_path, BASE)
    s = load_schema(None, tmp_path)
    assert s.source == str(tmp_path / "claimtag.toml")
    assert [c.name for c in s.claim_types] == ["fact", "opinion"] and s.targets == ("A", "B")


def test_no_project_file_means_builtin(tmp_path):
    assert load_schema(None, tmp_path).source == "built-in"


def test_explicit_path_wins(tmp_path):
    write(tmp_path, BASE)  # the project file, ignored
    other = write(tmp_path, BASE.replace('["A", "B"]', '["X"]'), "other.toml")
    s = load_schema(other, tmp_path)
    assert s.source == str(other) and s.targets == ("X",)


def test_explicit_missing_path_is_an_error(tmp_path):
    assert error_of(tmp_path / "nope.toml") == f"{tmp_path / 'nope.toml'}: no such schema file"
    assert "is a folder" in error_of(tmp_path)


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "claimtag.toml"
    path.write_bytes(BASE.encode().replace(b'"opinion"', b'"opini\xff"'))
    assert error_of(path) == f"{path}:10: not UTF-8 text"


# --- validation: file:line: problem ------------------------------------------------------------------

CASES = [
    # (id, old, new, line, message fragment)
    ("syntax", 'key = "o"', 'key = "o', 11, "Illegal character '\\n' (column 9; an unclosed string?)"),
    ("syntax-at-end", 'next_sentence = ["j", "down"]', 'next_sentence = ["j",', 31, "Invalid value (at end of file)"),
    ("unknown-top-level", 'default_type = "fact"', 'default_typ = "fact"', 1,
     "unknown setting 'default_typ' (did you mean 'default_type'?)"),
    ("missing-name", 'name = "opinion"\n', "", 9, "claim type 2 has no name"),
    ("missing-key", 'key = "2"\n', "", 18, "stance 'against' has no key"),
    ("empty-targets", '["A", "B"]', "[]", 2, "targets: at least one stance target is required"),
    ("empty-label-values", 'values = [\n    {name = "economic", key = "1"},\n    {name = "security", key = "2"},\n]',
     "values = []", 25, "label set 'frame': at least one value is required"),
    ("duplicate-type-name", 'name = "opinion"', 'name = "fact"', 10, "claim_types: name 'fact' is used twice"),
    ("duplicate-target", '["A", "B"]', '["A", "A"]', 2, "targets: value 'A' is used twice"),
    ("duplicate-value-name", '{name = "security"', '{name = "economic"', 27,
     "label set 'frame': name 'economic' is used twice"),
    ("stance-key-clashes-with-type", 'key = "2"', 'key = "f"', 20,
     "stance 'against': key 'f' is already used by claim type 'fact' in the reader"),
    ("type-key-clashes-with-default-action", 'key = "o"', 'key = "n"', 11,
     "claim type 'opinion': key 'n' is already used by action reader.next_claim in the reader "
     "(remap the action in [keys])"),
    ("action-key-clashes-with-type", 'next_sentence = ["j", "down"]', 'next_sentence = ["j", "down"]\nsearch = "f"',
     32, "action reader.search: key 'f' is already used by claim type 'fact' in the reader"),
    ("action-key-clashes-with-action", 'next_sentence = ["j", "down"]', 'next_sentence = ["j", "q"]', 31,
     "action reader.next_sentence: key 'q' is already used by action reader.quit in the reader"),
    ("reserved-key", 'key = "o"', 'key = "tab"', 11, "key 'tab' is reserved for moving focus"),
    ("duplicate-key-in-label-set", '{name = "security", key = "2"}', '{name = "security", key = "1"}', 27,
     "label set 'frame': key '1' is used twice"),
    ("bad-key", 'key = "o"', 'key = "oo"', 11, "claim type 'opinion': key 'oo' is not a key name"),
    ("bad-modifier", 'key = "o"', 'key = "cmd+o"', 11, "modifiers are ctrl, alt, shift"),
    ("unknown-colour", 'color = "green"', 'color = "greeen"', 16, "stance 'favor': unknown colour 'greeen'"),
    ("bad-style", 'style = "underline"', 'style = "underlin"', 7, "claim type 'fact': bad style 'underlin'"),
    ("link-style", 'style = "underline"', 'style = "link https://example.com"', 7, "may not contain a link"),
    ("default-type-unknown", 'default_type = "fact"', 'default_type = "claim"', 1,
     "default_type 'claim' is not one of 'fact', 'opinion'"),
    ("default-target-unknown", 'targets = ["A", "B"]', 'targets = ["A", "B"]\ndefault_target = "C"', 3,
     "default_target 'C' is not one of 'A', 'B'"),
    ("unknown-action", "next_sentence =", "next_sentense =", 31,
     "keys: unknown action 'reader.next_sentense' (did you mean 'reader.next_sentence'?)"),
    ("choice", 'choice = "multiple"', 'choice = "many"', 24,
     "label set 'frame': choice must be \"single\" or \"multiple\", not 'many'"),
    ("key-not-string", 'key = "1"\ncolor', "key = 1\ncolor", 15,
     "stance 'favor': key must be a string, not a number (1)"),
    ("targets-not-list", '["A", "B"]', '"A"', 2, "targets: at least one stance target is required"),
    ("target-not-string", '["A", "B"]', '["A", 2]', 2, "targets: 2 is not a non-empty string"),
    ("keys-value-type", 'next_sentence = ["j", "down"]', "next_sentence = 5", 31,
     "keys: reader.next_sentence must be a key or a non-empty list of keys, not 5"),
    ("keys-empty-list", 'next_sentence = ["j", "down"]', "next_sentence = []", 31, "non-empty list"),
    ("keys-same-key-twice", 'next_sentence = ["j", "down"]', 'next_sentence = ["j", "j"]', 31,
     "keys: reader.next_sentence lists the same key twice"),
    ("keys-not-table", "[keys]\nnext_sentence", "[keyz]\nnext_sentence", 30, "unknown setting 'keyz'"),
    ("unknown-entry-field", 'color = "green"', 'colour = "green"', 16,
     "stance 1: unknown field 'colour' (did you mean 'color'?)"),
    ("empty-name", 'name = "opinion"', 'name = " "', 10, "claim type 2: name ' ' is empty or has control characters"),
]


@pytest.mark.parametrize("old,new,line,fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_validation_error_names_file_and_line(tmp_path, old, new, line, fragment):
    assert old in BASE
    path = write(tmp_path, BASE.replace(old, new, 1))
    message = error_of(path)
    assert message.startswith(f"{path}:{line}: "), message
    assert fragment in message
    assert "\n" not in message


def test_missing_section_has_no_line_when_unknowable(tmp_path):
    path = write(tmp_path, 'targets = ["A"]\n[[stances]]\nname = "x"\nkey = "1"\n')
    assert error_of(path) == (f"{path}: claim_types: at least one claim type is required "
                              "([[claim_types]] with name and key)")


def test_wrong_section_type_names_its_line(tmp_path):
    path = write(tmp_path, 'targets = ["A"]\nclaim_types = "fact"\n')
    assert error_of(path).startswith(f"{path}:2: claim_types must be a list of tables")


def test_inline_tables_are_located_too(tmp_path):
    text = ('targets = ["A"]\n'
            'claim_types = [\n  {name = "fact", key = "f"},\n  {name = "opinion", key = "f"},\n]\n'
            'stances = [{name = "favor", key = "1"}]\n')
    path = write(tmp_path, text)
    assert error_of(path) == f"{path}:4: claim type 'opinion': key 'f' is already used by claim type 'fact' in the reader"


def test_one_line_inline_array_does_not_borrow_later_lines(tmp_path):
    text = ('targets = ["A"]\nclaim_types = [{name = "fact", key = "f"}, {name = "opinion", key = "o"}]\n'
            'stances = [{name = "favor", key = "1"}, {name = "against", key = "1"}]\n')
    path = write(tmp_path, text)
    assert error_of(path) == f"{path}:3: stance 'against': key '1' is already used by stance 'favor' in the reader"
    path = write(tmp_path, text.replace('{name = "opinion", key = "o"}', '{name = "opinion", key = "oo"}'))
    assert error_of(path).startswith(f"{path}:2: claim type 'opinion': key 'oo'")


def test_label_values_as_array_of_tables(tmp_path):
    text = BASE.replace('values = [\n    {name = "economic", key = "1"},\n    {name = "security", key = "2"},\n]\n',
                        '[[labels.values]]\nname = "economic"\nkey = "1"\n[[labels.values]]\nname = "security"\n'
                        'key = "1"\n')
    path = write(tmp_path, text)
    assert error_of(path) == f"{path}:30: label set 'frame': key '1' is used twice (entries 1 and 2)"


# --- keys ----------------------------------------------------------------------------------------------

def test_keys_remapping_merges_with_defaults(tmp_path):
    text = BASE.replace('next_sentence = ["j", "down"]',
                        'next_sentence = "ctrl+n"\nsearch = "/"\nhelp = ["?", "f1"]\nnext_claim = ["]"]')
    s = load_schema(write(tmp_path, text))
    assert s.keys["reader.next_sentence"] == ("ctrl+n",)
    assert s.keys["reader.search"] == ("slash",)  # stored under Textual's key names
    assert s.keys["reader.help"] == ("question_mark", "f1")
    assert s.keys["reader.next_claim"] == ("right_square_bracket",)
    untouched = {a: k for a, k in DEFAULT_KEYS.items()
                 if a not in ("reader.next_sentence", "reader.search", "reader.help", "reader.next_claim")}
    assert {a: s.keys[a] for a in untouched} == untouched
    assert list(s.keys) == list(DEFAULT_KEYS)


def test_remapping_an_action_frees_its_key(tmp_path):
    """'n' belongs to next_claim (and the review reader's next_conflict) by default; move both and a claim
    type may take 'n'. Claim types share the review reader's keyboard: moving only one is refused."""
    text = BASE.replace('key = "o"', 'key = "n"').replace('next_sentence = ["j", "down"]', 'next_claim = "ctrl+n"')
    with pytest.raises(SchemaError, match="already used by action review.next_conflict in the review reader"):
        load_schema(write(tmp_path, text))
    s = load_schema(write(tmp_path, text + '\n[keys.review]\nnext_conflict = "ctrl+n"\n'))
    assert s.type_by_key("n").name == "opinion" and s.action_for_key("n") is None
    assert s.action_for_key("ctrl+n", "review") == "review.next_conflict"


def test_choice_keys_are_normalised(tmp_path):
    s = load_schema(write(tmp_path, BASE.replace('key = "o"', 'key = "!"')))
    assert s.claim_type("opinion").key == "exclamation_mark"
    assert s.type_by_key("!").name == "opinion" and s.type_by_key("exclamation_mark").name == "opinion"


@pytest.mark.parametrize("key,expected", [
    ("/", "slash"), ("?", "question_mark"), (" ", "space"), ("-", "minus"), ("@", "at"), ("L", "L"),
    ("1", "1"), ("ctrl+r", "ctrl+r"), ("ctrl+/", "ctrl+slash"), ("down", "down")])
def test_normalize_key(key, expected):
    assert normalize_key(key) == expected


@pytest.mark.parametrize("key,ok", [
    ("j", True), ("L", True), ("é", True), ("down", True), ("f12", True), ("ctrl+r", True), ("shift+down", True),
    ("ctrl+shift+x", True), ("question_mark", True), ("slash", True), ("escape", True), ("space", True),
    ("\x1b", False), ("\t", False), ("jj", False), ("Down", False), ("ctrl+", False), ("ctrl+R", False),
    ("ctrl+ctrl+r", False), ("hyper_space", False), ("f99", False)])
def test_key_names(key, ok):
    assert (schema_mod.key_problem(key) is None) == ok


# --- guidelines ----------------------------------------------------------------------------------------

def test_builtin_guidelines():
    text = load_schema().guidelines_text()
    assert text.startswith("# Annotation guidelines")
    for word in ("fact", "opinion", "prediction", "SemEval-2016", "favor", "against", "neutral", "h` / `l`"):
        assert word in text


def test_guidelines_relative_to_schema_file(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "guide.md").write_text("# Our guide\n\nMark \x1b[31mclaims\x1b[0m.\n", encoding="utf-8")
    s = load_schema(write(tmp_path / "sub", 'guidelines = "guide.md"\n' + BASE), tmp_path)
    assert s.guidelines_path == tmp_path / "sub" / "guide.md"
    assert s.guidelines_text() == "# Our guide\n\nMark [31mclaims[0m.\n"  # ESC never reaches the terminal


def test_unreadable_guidelines_give_a_one_line_note(tmp_path):
    s = load_schema(write(tmp_path, 'guidelines = "missing.md"\n' + BASE))
    note = s.guidelines_text()
    assert "\n" not in note and "missing.md" in note and "cannot be read" in note


def test_guidelines_not_a_string(tmp_path):
    path = write(tmp_path, "guidelines = 3\n" + BASE)
    assert error_of(path) == f"{path}:1: guidelines must be a file path (a string)"


def test_schema_module_does_not_import_textual():
    import subprocess
    import sys

    code = "import sys, annotations.schema as s; s.load_schema().guidelines_text(); print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "False"
