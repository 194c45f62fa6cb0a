"""Finding the line of a schema entry in the raw TOML text, for ``FILE:LINE`` error messages.

``tomllib`` gives values without positions, so this searches the text: table headers, then
``field = value`` assignments inside a table's block (best effort: a line near the entry is fine).
"""

from __future__ import annotations

import re


class TomlLines:
    """Finds the line of an entry in the raw TOML text, for error messages (best effort)."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.headers = [(i, m.group(1).strip(), m.group(0).lstrip().startswith("[["))
                        for i, line in enumerate(self.lines)
                        if (m := re.match(r"\s*\[\[?\s*([\w.\-\"' ]+?)\s*\]\]?\s*(#.*)?$", line))]

    def _find(self, pattern: str, start: int = 0, end: int | None = None, nth: int = 0) -> int | None:
        hits = [i for i in range(start, len(self.lines) if end is None else end)
                if re.search(pattern, self.lines[i])]
        return hits[nth] if nth < len(hits) else None

    @staticmethod
    def _assign(field: str, value: str | None = None) -> str:
        lhs = rf"(^|[{{,\s.])[\"']?{re.escape(field)}[\"']?\s*="
        return lhs + (rf"\s*[\"']{re.escape(value)}[\"']" if value is not None else "")

    def _block_end(self, start: int, section: str) -> int:
        later = [i for i, name, _ in self.headers if i > start and not name.startswith(section + ".")]
        return later[0] if later else len(self.lines)

    def top(self, field: str) -> int | None:
        """1-based line of a top-level ``field = ...`` (or of its ``[field]`` table)."""
        end = self.headers[0][0] if self.headers else len(self.lines)
        i = self._find(r"^\s*[\"']?" + re.escape(field) + r"[\"']?\s*=", 0, end)
        if i is None:
            i = next((h for h, name, _ in self.headers if name == field), None)
        return None if i is None else i + 1

    def entry(self, section: str, index: int, field: str | None = None, value: str | None = None,
              sub: int | None = None) -> int | None:
        """1-based line of entry ``index`` of ``[[section]]`` (or of ``section = [{...}]``); then of
        value ``sub`` in its ``values``; then of ``field`` (= ``value``) inside that."""
        heads = [i for i, name, arr in self.headers if arr and name == section]
        if heads:
            start = heads[min(index, len(heads) - 1)]
            end = self._block_end(start, section)
        else:
            top = self.top(section)
            if top is None:
                return None
            start = top - 1  # an inline array ends where the next unindented line starts
            end = self._find(r"^[A-Za-z_\"'\[]", top) or len(self.lines)
            start = self._find(self._assign("name"), start, end, index) or start
        if sub is not None:
            marker = self._find(self._assign("values"), start, end)
            if marker is None:
                marker = next((i for i, n, _ in self.headers if start < i < end and n == f"{section}.values"),
                              start)
            start = self._find(self._assign("name"), marker, end, sub) or marker
        if field is not None:
            found = self._find(self._assign(field, value), start, end)
            start = found if found is not None else start
        return start + 1

    def key_entry(self, action: str) -> int | None:
        """1-based line of a ``[keys]`` entry: ``action`` is an id (``reader.undo``) or a bare name."""
        scope, _, name = action.rpartition(".")
        heads = [i for i, hname, arr in self.headers if not arr and hname in ("keys", f"keys.{scope}")]
        for head in reversed(heads):  # the scope's own table first
            end = next((i for i, _, _ in self.headers if i > head), len(self.lines))
            for pattern in (self._assign(action), rf"(^|[{{,\s.])[\"']?{re.escape(scope)}[\"']?\s*\.\s*"
                            rf"[\"']?{re.escape(name)}[\"']?\s*=", self._assign(name)):
                i = self._find(pattern, head + 1, end)
                if i is not None:
                    return i + 1
        i = self._find(r"keys\s*\.\s*" + (re.escape(scope) + r"\s*\.\s*" if scope else "")
                       + r"[\"']?" + re.escape(name) + r"[\"']?\s*=")
        return i + 1 if i is not None else self.top("keys")
