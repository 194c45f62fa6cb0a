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

        # who: the UNIX account, or under `claimtag serve` the name the server authenticated by key
        ssh = os.environ.get("CLAIMTAG_SSH_IDENTITY", "").split()
        may_review(schema.review.reviewers, ssh[0] if ssh else login_name())
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
    in_browser = "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")  # claimtag serve --web runs it so
    if not in_browser and not (sys.stdin.isatty() and sys.__stderr__ is not None and sys.__stderr__.isatty()):
        # Textual would wait forever for keys that cannot come (a script, a pipe, cron)
        print("claimtag: the app needs a terminal (stdin and stderr); in scripts use a subcommand "
              "(claimtag --help)", file=sys.stderr)
        return 2
    from .app import create_app

    role = "reviewer" if args.review else "annotator"
    from annotations.text.display import escaped

    compare = tuple(args.compare) if args.compare else None
    for article_id in compare or ():
        if store.article(article_id) is None:
            print(f"claimtag compare: no article {escaped(article_id)!r} in the store {store.root} "
                  "(claimtag stats lists them)", file=sys.stderr)
            return 2
    app = create_app(store, schema, args.annotator, role=role, blind=args.blind or schema.review.blind,
                     startup_messages=[(line, "warning" if status else "information") for line in said.lines],
                     compare=compare)
    app.run()
    return app.return_code or 0


def serve_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="claimtag serve",
                                description="Serve the app to a team: each person connects with their SSH key.")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--ssh", metavar="[HOST:]PORT",
                     help="listen for SSH clients (127.0.0.1 unless HOST is given): ssh -p PORT NAME@HOST")
    how.add_argument("--web", metavar="[HOST:]PORT",
                     help="serve the app to browsers (127.0.0.1 unless HOST is given), a secret link per user")
    p.add_argument("--users", type=Path, default=None,
                   help="the users file: NAME ROLE KEY-TYPE KEY per line (default: STORE/users)")
    p.add_argument("--store", type=Path, default=None, help="store folder (default: $CLAIMTAG_STORE, else ./.claimtag)")
    p.add_argument("--schema", type=Path, default=None, help="label schema TOML (default: ./claimtag.toml)")
    return p


def run_serve(argv: Sequence[str]) -> int:
    from annotations.cli import load_schema_for, open_store
    from annotations.users import load_users

    args = serve_parser().parse_args(argv)
    load_schema_for(args)  # a bad schema is said now, not in every session
    store = open_store(args)
    schema = args.schema.resolve() if args.schema else None
    users_file = args.users or store.root / "users"
    if store.root.stat().st_mode & 0o022:
        print(f"claimtag serve: warning: {store.root} is writable by its group or others; served, the store needs "
              f"no one but this account (chmod -R go-w {store.root})", file=sys.stderr)
    if args.web:
        from .serve.web import run_web

        return run_web(args.web, store.root.resolve(), load_users(users_file), schema)
    from .serve.ssh import run_serve as serve_ssh

    return serve_ssh(args.ssh, store.root.resolve(), users_file, schema)


def main(argv: Sequence[str] | None = None) -> int:
    from annotations.cli import hoist_global_options
    from annotations.cli import main as cli_main

    argv = hoist_global_options(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"]:  # serves the app: it lives beside it, not in the headless commands
        from annotations.cli import guarded

        return guarded(lambda: run_serve(argv[1:]))
    return cli_main(argv, open_app=run_app)


if __name__ == "__main__":
    sys.exit(main())
