"""`claimtag`: the command-line entry point. Subcommands are headless (annotations.cli);
with no subcommand the Textual app opens on the store."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path


def _not_a_command(path: Path) -> bool:
    """A missing PATH that reads like a mistyped subcommand (``claimtag stat``)."""
    return not os.path.lexists(path) and os.sep not in str(path) and not path.suffix


class _Tee:
    """A text stream that writes through to another one and keeps the lines written."""

    def __init__(self, stream):
        self.stream = stream
        self.lines: list[str] = []

    def write(self, text: str) -> int:
        self.lines += [line for line in text.splitlines() if line.strip()]
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


def run_app(args: argparse.Namespace) -> int:
    from annotations.cli import SUBCOMMANDS, load_schema_for, open_store
    from annotations.corpus import add_paths

    schema = load_schema_for(args)  # schema errors are reported before any UI starts
    if args.review:
        from annotations.cli import login_name
        from annotations.review.layers import may_review

        may_review(schema.review.reviewers, login_name())
    store = open_store(args)
    status = 0
    said = _Tee(sys.stderr)  # what adding the PATHs said is shown in the app too, not only behind it
    if args.paths:
        typos = [path for path in args.paths if _not_a_command(path)]
        status = add_paths(store, args.paths, out=said, err=said)
        for path in typos:
            print(f"claimtag: {str(path)!r} is neither a file nor a command "
                  f"(commands: {', '.join(SUBCOMMANDS)})", file=said)
    if status and not store.articles():
        print(f"claimtag: the store {store.root} has no articles: not opening the app", file=sys.stderr)
        return status
    if not (sys.stdin.isatty() and sys.__stderr__ is not None and sys.__stderr__.isatty()):
        # Textual would wait forever for keys that cannot come (a script, a pipe, cron)
        print("claimtag: the app needs a terminal (stdin and stderr); in scripts use a subcommand "
              "(claimtag --help)", file=sys.stderr)
        return 2
    from .app import create_app

    role = "reviewer" if args.review else "annotator"
    app = create_app(store, schema, args.annotator, role=role, blind=args.blind or schema.review.blind,
                     startup_messages=[(line, "warning" if status else "information") for line in said.lines])
    app.run()
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    from annotations.cli import main as cli_main

    return cli_main(argv, open_app=run_app)


if __name__ == "__main__":
    sys.exit(main())
