"""Shared fixtures: a store in a temp folder, the seed articles, the built-in schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.models import NewArticle
from annotations.schema import load_schema
from annotations.store import Store
from annotations.text.normalize import normalize_text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def seed_articles() -> list[NewArticle]:
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        text, removed = normalize_text(path.read_text(encoding="utf-8"))
        title = next(line.strip() for line in text.splitlines() if line.strip())
        out.append(NewArticle(path.stem, title, str(path), text, {}, removed))
    return out


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "store")


@pytest.fixture
def seeded_store(store) -> Store:
    store.add_articles(seed_articles())
    return store


@pytest.fixture
def schema(tmp_path):
    return load_schema(None, tmp_path)  # no claimtag.toml there: the built-in schema


@pytest.fixture
def anyio_backend():
    """Async Pilot tests run on anyio's pytest plugin, on asyncio."""
    return "asyncio"


