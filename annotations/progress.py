"""A progress bar for long commands (``import``, ``add``): rich's, on stderr, only when it is a terminal.

``with progress_bar(stream, "importing", total) as advance: advance(n)``; not a terminal (a pipe, a
test, CI): nothing is drawn and ``advance`` does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO


@contextmanager
def progress_bar(stream: IO[str], what: str, total: int) -> Iterator[Callable[[int], None]]:
    isatty = getattr(stream, "isatty", None)
    if total < 1 or isatty is None or not isatty():
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(file=stream)
    with Progress(TextColumn(f"{what}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(what, total=total)
        yield lambda n: bar.advance(task, n)
