"""`claimtag`: the command-line entry point. Subcommands are headless (annotations.cli);
with no subcommand the Textual app opens on the store."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def run_app(args: argparse.Namespace) -> int:
    from annotations.cli import open_store, load_schema_for
    from annotations.corpus import add_paths

    schema = load_schema_for(args)  # schema errors are reported before any UI starts
    store = open_store(args)
    if args.paths:
        status = add_paths(store, args.paths, out=sys.stderr, err=sys.stderr)
        if status and not store.articles():
            return status
    from .app import ClaimtagApp

    app = ClaimtagApp(store, schema, args.annotator)
    app.run()
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    from annotations.cli import main as cli_main

    return cli_main(argv, open_app=run_app)


if __name__ == "__main__":
    sys.exit(main())
