"""The format registry: every module of this package that defines ``FORMAT`` is a format.

Adding a format is one module (plus its test): the CLI's ``--format`` choices and help, export and
import all come from here. Modules are found without importing them (``pkgutil``) and imported only
when a command needs formats: opening the app imports none of them (start-up time is a goal)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path

from .base import Format

_NOT_FORMATS = {"base", "registry", "records", "sinks", "export", "importing"}


@cache
def formats() -> dict[str, Format]:
    """Every format by name and alias, in module order."""
    found: dict[str, Format] = {}
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda i: i.name):
        if info.name in _NOT_FORMATS or info.name.startswith("_"):
            continue
        fmt = getattr(importlib.import_module(f"{__package__}.{info.name}"), "FORMAT", None)
        if isinstance(fmt, Format):
            for name in (fmt.name, *fmt.aliases):
                found[name] = fmt
    return found


def get(name: str) -> Format:
    try:
        return formats()[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r} (known: {', '.join(formats())})") from None


def export_names() -> list[str]:
    return [n for n, f in formats().items() if f.build is not None]


def import_names() -> list[str]:
    return [n for n, f in formats().items() if f.read is not None]


def help_lines(names: list[str]) -> str:
    """One clause per format, for ``--format``'s help."""
    parts = []
    for name in names:
        fmt = formats()[name]
        if name != fmt.name:
            continue
        lost = f"; cannot carry: {fmt.cannot_carry}" if fmt.cannot_carry else ""
        parts.append(f"{name}: {fmt.help}{lost}")
    return " | ".join(parts)
