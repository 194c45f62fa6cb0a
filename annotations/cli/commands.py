"""The claimtag command line: argparse parsers and the headless subcommands.

``claimtag [PATH...]`` (no subcommand) opens the app; that part lives in
``tui/main.py``, which calls ``main(argv, open_app=...)`` here. The ``--format`` choices and their
help come from the format registry, imported only for ``export`` and ``import``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import ClaimtagError, RefusedInput, StoreError
from ..models import GOLD
from ..schema import Schema
from ..store import STORE_MARKER, Store, default_store_dir, unix_user
from ..text.display import escaped
from ..text.fields import MAX_NAME, ident

SUBCOMMANDS = ("init", "add", "export", "import", "stats", "agree", "check")
_OPENED: list[Store] = []  # stores a command opened: what their reads skipped is said at the end


def default_annotator() -> str:
    try:
        return os.environ.get("CLAIMTAG_ANNOTATOR") or getpass.getuser()
    except Exception:  # no login name (some containers): still a usable default
        return "annotator"


def login_name() -> str:
    """The UNIX account running claimtag (what the change log records; ``[review] reviewers`` names these)."""
    return unix_user()[0]


def check_annotator(name: str) -> str:
    """The name a session saves under: the rule of every name from outside (``text.fields.ident``)."""
    if not name.strip():
        raise StoreError("the annotator name is blank (pass --annotator NAME)")
    if name == GOLD:
        raise StoreError(f"{GOLD!r} is the reviewers' layer, not an annotator's name (reviewers: claimtag review)")
    try:
        return ident(name, "annotator name", MAX_NAME)
    except RefusedInput as exc:
        raise StoreError(str(exc)) from None


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", type=Path, default=None,
                   help="store folder (default: $CLAIMTAG_STORE, else ./.claimtag)")
    p.add_argument("--schema", type=Path, default=None,
                   help="label schema TOML (default: ./claimtag.toml, else the built-in one)")


def build_parser() -> argparse.ArgumentParser:
    from ..formats import registry

    parser = argparse.ArgumentParser(prog="claimtag", description="Annotate claims and stance in news articles.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", help="make a store (--shared GROUP: one a UNIX group shares)")
    _common(p)
    p.add_argument("--shared", metavar="GROUP", default=None,
                   help="a store that GROUP's members share whatever their umask (setgid folders, group-writable files)")

    p = sub.add_parser("add", help="add articles (.txt, .md, .jsonl, folders) to the store")
    _common(p)
    p.add_argument("paths", nargs="+", type=Path)

    p = sub.add_parser("export", help="write the annotations: JSONL, or the file or folder a format makes")
    _common(p)
    names = registry.export_names()
    p.add_argument("--format", choices=names, default="native", metavar="FORMAT",
                   help=f"one of: {registry.help_lines(names)} (default: native)")
    p.add_argument("--annotator", "--layer", default=None,
                   help=f"only this annotator's work; {GOLD!r}: the reviewed dataset (the gold layer)")
    p.add_argument("--status", choices=("todo", "in progress", "done"), default=None,
                   help="only articles with this status")
    p.add_argument("-o", "--output", type=Path, default=None, help="file (or, for folder formats, folder) to write, atomically; default stdout")
    p.add_argument("--allow-stale", action="store_true",
                   help="export claims whose article changed since, as records of the text they were made on")
    p.add_argument("--doccano-label", choices=("type", "type:stance"), default=None,
                   help="doccano: label spans with the claim type (FACT, default) or type and stance (FACT:FAVOR)")
    p.add_argument("--span-label", choices=("type", "type:stance"), default=None,
                   help="docbin: label spans with the claim type (default) or type:stance")
    p.add_argument("--misaligned", choices=("expand", "drop"), default=None,
                   help="docbin: a span off spaCy's token boundaries is expanded to whole tokens (default) or "
                        "dropped; either way the count is said")
    p.add_argument("--lang", default=None, help="docbin: the spacy.blank language of the tokenizer (default en)")
    p.add_argument("--seed", type=int, default=None,
                   help="hf: the seed of the train/validation/test split by article (default 0)")
    p.add_argument("--config-out", type=Path, default=None,
                   help="labelstudio: also write the matching labeling config (XML) to this file")

    p = sub.add_parser("import", help="bring annotations in from a JSONL file")
    _common(p)
    p.add_argument("file", type=Path)
    names = registry.import_names()
    p.add_argument("--format", choices=names, default="native", metavar="FORMAT",
                   help=f"one of: {', '.join(names)} (default: native)")
    p.add_argument("--annotator", default=None, help="annotator name for records that carry none")

    p = sub.add_parser("stats", help="progress and label counts")
    _common(p)
    p.add_argument("--annotator", default=None, help="only this annotator's progress and claims")

    p = sub.add_parser("agree", help="agreement between annotators: spans, labels of claims, article labels")
    _common(p)
    p.add_argument("--annotator", action="append", default=None,
                   help="compare only these annotators (repeat the option); default: everyone")
    p.add_argument("--json", action="store_true", help="the figures as JSON, for scripts")

    p = sub.add_parser("check", help="verify every store file and claim offset")
    _common(p)
    p.add_argument("--repair", action="store_true", help="fix claim counts left stale by a crash")
    return parser


def app_verbs(argv: list[str]) -> list[str]:
    """``claimtag [OPTIONS] review ...`` is ``claimtag --review ...``; ``claimtag [OPTIONS] compare A B`` is
    ``claimtag --compare A B``: the verb is the first word that is not an option or an option's value."""
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in ("--annotator", "--store", "--schema") else 1
    if i < len(argv) and argv[i] in ("review", "compare"):
        return [*argv[:i], f"--{argv[i]}", *argv[i + 1:]]
    return argv


def build_app_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="claimtag",
        description="Open the annotator (claimtag review: the reviewer) on the store (PATHs are added first). "
                    f"Subcommands: review, compare, serve, {', '.join(SUBCOMMANDS)} (claimtag COMMAND --help).")
    _common(p)
    p.add_argument("--annotator", default=None, help="your name in the store (default: login name)")
    p.add_argument("--review", action="store_true",
                   help="open as a reviewer: every annotator's work, agreement, the gold layer (same as claimtag review)")
    p.add_argument("--blind", action="store_true",
                   help="blind review: annotators shown as A, B, C..., shuffled per article, names never shown")
    p.add_argument("--compare", nargs=2, metavar=("A", "B"), default=None,
                   help="open two articles side by side, passages aligned (same as claimtag compare A B)")
    p.add_argument("paths", nargs="*", type=Path, help="articles or folders to add before opening")
    return p


def open_store(args: argparse.Namespace) -> Store:
    root = args.store or default_store_dir()
    try:
        store = Store(root)
    except OSError as exc:  # e.g. --store under a file, or a folder we may not create
        raise StoreError(f"cannot open the store at {root}: {exc.strerror or exc}") from None
    _OPENED.append(store)
    return store


def report_skipped() -> int:
    """Name every store file or record the command's reads left out; 1 if there was any."""
    told = 0
    for store in _OPENED:
        for name, reason in sorted(store.skipped.items()):
            print(f"claimtag: skipped {escaped(name)}: {escaped(reason)}", file=sys.stderr)
            told += 1
    _OPENED.clear()
    return 1 if told else 0


def cmd_init(args: argparse.Namespace) -> int:
    from ..store import create_store

    root = args.store or default_store_dir()
    if os.path.lexists(Path(root) / STORE_MARKER):
        print(f"claimtag init: {escaped(str(root))} is already a store", file=sys.stderr)
        return 1
    create_store(Path(root), args.shared)
    shared = f", shared by group {args.shared} (mode 2770)" if args.shared else ""
    print(f"made a claimtag store at {root}{shared}")
    return 0


def load_schema_for(args: argparse.Namespace) -> Schema:
    from ..schema import load_schema

    return load_schema(args.schema, Path.cwd())


def cmd_add(args: argparse.Namespace) -> int:
    from ..corpus import add_paths

    store = open_store(args)
    status = add_paths(store, args.paths)
    _index_for_compare(store)
    return status


def _index_for_compare(store: Store) -> None:
    """Count the new texts' terms for "articles most like this one" (compare/similar.py): a cache, so a
    failure here is not the command's."""
    from ..compare.similar import index_texts

    try:
        index_texts(store)
    except (StoreError, OSError):
        pass


def cmd_export(args: argparse.Namespace) -> int:
    from ..formats.export import run_export

    args.schema_loaded = load_schema_for(args)  # its label sets: every record lists them all
    return run_export(open_store(args), args)


def cmd_import(args: argparse.Namespace) -> int:
    from ..formats.importing import run_import

    return run_import(open_store(args), args, schema=load_schema_for(args), articles_added=_index_for_compare)


def cmd_agree(args: argparse.Namespace) -> int:
    from .agree import print_agreement

    return print_agreement(open_store(args), args.annotator, as_json=args.json)


def cmd_stats(args: argparse.Namespace) -> int:
    from .stats import print_stats

    print_stats(open_store(args), annotator=args.annotator, schema=load_schema_for(args))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    store = open_store(args)
    problems = store.check(repair=args.repair)
    for line in problems:
        print(escaped(line), file=sys.stderr)  # problems quote what a (hostile) file held
    if not problems:
        print("store is valid")
        return 0
    if not args.repair:
        return 1
    left = store.check()  # --repair fixes counts and temp files, not unreadable files or bad offsets
    if left:
        print(f"claimtag check: {len(left)} problem(s) left that --repair cannot fix", file=sys.stderr)
        return 1
    print(f"repaired {len(problems)} problem(s); store is valid")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": cmd_init, "add": cmd_add, "export": cmd_export, "import": cmd_import, "stats": cmd_stats, "agree": cmd_agree, "check": cmd_check,
}


GLOBAL_OPTIONS = ("--store", "--schema")  # every command takes them: before or after its name
COMMAND_NAMES = (*SUBCOMMANDS, "review", "compare", "serve")


def hoist_global_options(argv: Sequence[str]) -> list[str]:
    """``claimtag --store DIR stats`` as ``claimtag stats --store DIR``: global options given before a
    command name go after it (argparse's subcommands only take them after)."""
    head: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in GLOBAL_OPTIONS and i + 1 < len(argv):
            head += argv[i:i + 2]
            i += 2
        elif arg.split("=", 1)[0] in GLOBAL_OPTIONS and "=" in arg:
            head.append(arg)
            i += 1
        else:
            break
    if head and i < len(argv) and argv[i] in COMMAND_NAMES:
        return [argv[i], *head, *argv[i + 1:]]
    return list(argv)


def main(argv: Sequence[str] | None = None,
         open_app: Callable[[argparse.Namespace], int] | None = None) -> int:
    argv = hoist_global_options(sys.argv[1:] if argv is None else argv)

    def run() -> int:
        nonlocal argv
        if argv and argv[0] in SUBCOMMANDS:
            args = build_parser().parse_args(argv)
            if args.command == "import" and args.annotator is not None:
                check_annotator(args.annotator)
            status = COMMANDS[args.command](args)
            return max(status, report_skipped())
        argv = app_verbs(list(argv or []))
        args = build_app_parser().parse_args(argv)
        args.annotator = check_annotator(args.annotator or default_annotator())
        if open_app is None:
            print("claimtag: the app is not installed (tui package missing)", file=sys.stderr)
            return 2
        return open_app(args)

    return guarded(run)


def guarded(run: Callable[[], int]) -> int:
    """``run()``, with every error a person can cause said in one line (exit 2), never a traceback."""
    try:
        return run()
    except ClaimtagError as exc:
        print(f"claimtag: {escaped(str(exc))}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `claimtag ... | head`: the reader has what it wanted
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        except (OSError, ValueError, AttributeError):
            pass
        return 0
    except OSError as exc:  # a full disk, a folder we may not write: one line, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(escaped(f"claimtag: {where}{exc.strerror or exc}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
