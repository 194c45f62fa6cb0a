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




OBSERVERS = "001_7a089fa4fc1eff1a"
FIRST = "000_ecb1173961431c24"


@pytest.fixture
def review_store(seeded_store):
    """Two annotators' work to review. OBSERVERS: sentence 0 alike (unanimous), sentence 2 in different
    stances and bob's span shorter (a conflict: boundary + stance), sentence 4 only alice's (missing).
    FIRST: both tagged sentence 0 alike (all unanimous). Both set the frame label alike on OBSERVERS."""
    from annotations.models import Claim

    st = seeded_store
    for aid, plan in ((OBSERVERS, [(0, "favor", "favor", 0), (2, "favor", "against", 6), (4, "against", None, 0)]),
                      (FIRST, [(0, "favor", "favor", 0)])):
        art = st.article(aid)
        text = st.text(art.sha256)
        sents = st.sentences(art.sha256, text)
        claims = []
        for i, alice, bob, cut in plan:
            s, e = sents[i]
            claims.append(Claim(Store.new_claim_id(), aid, art.sha256, s, e, text[s:e], "fact", alice, "other", "alice"))
            if bob is not None:
                claims.append(Claim(Store.new_claim_id(), aid, art.sha256, s, e - cut, text[s:e - cut], "fact", bob,
                                    "other", "bob"))
        st.save_many(claims)
        for who in ("alice", "bob"):
            st.set_state(aid, who, status="done", labels={"frame": ["economic"]} if aid == OBSERVERS else None)
    return st
