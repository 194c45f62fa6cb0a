"""``claimtag export --format NAME``: records of the chosen units through the format, into a sink.

Offsets are Python ``str`` indices into the record's ``text``; every span is checked (``text[start:end]``
must equal the claim's quote) before its record is written, and a mismatch stops the export (exit 2).

Stale claims (made on a text the article no longer has) fail the export (exit 1, each listed on
stderr) unless ``--allow-stale``; then they are written as records of the old text with
``stale: true``, offsets exactly as made. Such records come before the current ones of the same
article, oldest text first, so an import rebuilds the version history.
"""

from __future__ import annotations

import os
import sys
from argparse import Namespace
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from ..errors import StoreError
from ..fileio import atomic_stream
from ..store import Store
from ..text.display import escaped
from . import registry
from .base import ExportContext, ExportOptions, Format, Record, Unit, check_span, select_units
from .sinks import FolderSink, output_mode, to_file, to_stdout

PROGRESS_MIN = 200  # records before a progress bar is worth showing


def records(store: Store | ExportContext, units: Iterable[Unit], fmt: Format | str) -> Iterator[Record]:
    """The records of ``units`` in format ``fmt``, each unit's spans checked first."""
    fmt = registry.get(fmt) if isinstance(fmt, str) else fmt
    assert fmt.build is not None, f"{fmt.name} is import-only"
    ctx = store if isinstance(store, ExportContext) else ExportContext(store)
    for u in units:
        text = ctx.store.text(u.sha)
        for c in u.claims:
            check_span(text, c)
        yield from fmt.build(u, text, ctx)


def context(store: Store, args: Namespace) -> ExportContext:
    """The export's context from the command's arguments (the schema, when it has one: its label sets)."""
    schema = getattr(args, "schema_loaded", None)
    options = ExportOptions(**{f: getattr(args, f) for f in ExportOptions.__dataclass_fields__
                               if getattr(args, f, None) is not None})
    return ExportContext(store, tuple(ls.name for ls in schema.label_sets) if schema is not None else (), schema,
                         options)


def selection(args: Namespace, n_units: int) -> str:
    """What the export holds, said on stderr (the default is every article, whatever its status)."""
    status = getattr(args, "status", None)
    who = getattr(args, "annotator", None)
    return (f"{n_units} (article, annotator) unit(s): {f'status {status!r}' if status else 'every status'} "
            f"(--status done for finished work only), {f'annotator {escaped(who)}' if who else 'every annotator'}")


def stale_lines(units: Iterable[Unit]) -> list[str]:
    lines = []
    for u in units:
        if u.stale:
            for c in u.claims:
                quote = escaped(c.quote)
                quote = quote if len(quote) <= 60 else quote[:57] + "..."
                lines.append(f"stale: {escaped(u.doc_id)} claim {escaped(c.id)} ({escaped(u.annotator)}): \"{quote}\"")
    return lines


def _progress(units: list[Unit], err: IO[str]) -> Iterable[Unit]:
    if len(units) < PROGRESS_MIN or not err.isatty():
        return units
    from rich.console import Console
    from rich.progress import track

    return track(units, description="exporting", console=Console(file=err), transient=True)


def run_export(store: Store, args: Namespace, out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """``claimtag export``: 0 written, 1 stale claims (not written), 2 a problem with the store or output."""
    err = err or sys.stderr
    fmt = registry.get(getattr(args, "format", "native") or "native")
    try:
        units = select_units(store, getattr(args, "annotator", None), getattr(args, "status", None))
    except StoreError as exc:
        print(f"claimtag export: {escaped(str(exc))}", file=err)
        return 2
    stale = stale_lines(units)
    if stale and not getattr(args, "allow_stale", False):
        for line in stale:
            print(escaped(line), file=err)
        print(f"claimtag export: {len(stale)} claim(s) were made on an older text of their article; nothing "
              "written (review them, or pass --allow-stale to export them as records of that text)", file=err)
        return 1
    output: Path | None = getattr(args, "output", None)
    ctx = context(store, args)
    recs = records(ctx, _progress(units, err), fmt)
    print(f"claimtag export: {selection(args, len(units))}", file=err)
    try:
        if fmt.write_folder is not None or fmt.write_file is not None:
            if output is None:
                what = "a folder: name it with -o FOLDER" if fmt.write_folder else "a file: name it with -o FILE"
                print(f"claimtag export: the {fmt.name} format writes {what}", file=err)
                return 2
            if fmt.write_folder is not None:
                n = _to_folder(Path(output), fmt, recs, ctx)
            else:
                writer = fmt.write_file
                assert writer is not None
                n = atomic_stream(Path(output), lambda fh: writer(recs, fh, ctx), output_mode(Path(output)), binary=True)
        elif output is None:
            n = to_stdout(recs, out)
        else:
            n = to_file(Path(output), recs)
    except StoreError as exc:
        print(f"claimtag export: {escaped(str(exc))}", file=err)
        return 2
    except BrokenPipeError:  # `claimtag export | head`: the reader has what it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(f"claimtag export: cannot write {escaped(str(output))}: {exc.strerror or exc}", file=err)
        return 2
    for what, k in ctx.said.items():
        print(f"claimtag export: {fmt.name}: {k} {what}", file=err)
    if output is not None:
        print(f"claimtag export: {n} {fmt.name} record(s) written to {escaped(str(output))}", file=err)
    return 0


def _to_folder(path: Path, fmt: Format, recs: Iterable[Record], ctx: ExportContext) -> int:
    assert fmt.write_folder is not None
    sink = FolderSink(path)
    try:
        n = fmt.write_folder(recs, sink, ctx)
        sink.commit()
    except BaseException:
        sink.abort()
        raise
    return n
