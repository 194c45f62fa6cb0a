"""For tests and scripts: what a running app shows, as text (one public helper instead of reaching
into Textual's compositor from every test)."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.strip import Strip


def screen_strips(app: App[object]) -> list[Strip]:
    """The current screen's lines as the compositor renders them, styles included."""
    return list(app.screen._compositor.render_strips())


def screen_lines(app: App[object]) -> list[str]:
    """What the terminal would show, line by line (the compositor's output of the current screen)."""
    return [strip.text for strip in screen_strips(app)]


def notifications(app: App[object]) -> list[str]:
    """From now on, every message the app notifies is also appended to the list returned (the toast
    still shows; what it wraps to depends on the width)."""
    seen: list[str] = []
    notify = app.notify

    def recording(message: str, **kwargs: Any) -> None:
        seen.append(message)
        notify(message, **kwargs)

    app.notify = recording  # type: ignore[method-assign]
    return seen


def screen_text(app: App[object]) -> str:
    return "\n".join(screen_lines(app))
