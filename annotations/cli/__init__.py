"""The command line: ``commands.py`` (argparse, the subcommands), ``stats.py`` (rich rendering of stats)."""

from __future__ import annotations

from .commands import (
                   SUBCOMMANDS,
                   build_app_parser,
                   build_parser,
                   check_annotator,
                   default_annotator,
                   guarded,
                   hoist_global_options,
                   load_schema_for,
                   login_name,
                   main,
                   open_store,
)

__all__ = ["SUBCOMMANDS", "build_app_parser", "build_parser", "check_annotator", "default_annotator", "guarded", "hoist_global_options", "load_schema_for",
           "login_name", "main", "open_store"]
