"""``claimtag serve --web``: the app in a real headless Chromium (Playwright), behind a secret link per user.
Without a valid link nothing is served; with one, a person opens an article, tags a claim, and it is in
the store under the link's name."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.core.test_users import ed25519
from tests.e2e.serving import Served
from tests.e2e.test_tmux import CLAIMTAG

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def tagged(site: Site) -> bool:
    return (site.store / "log" / "alice.jsonl").exists()


class Site(Served):
    def __init__(self, root: Path):
        super().__init__(root, "web", f"alice annotator ssh-ed25519 {ed25519(1)}\n"
                                      f"lead reviewer ssh-ed25519 {ed25519(2)}\n")
        self.base = f"http://127.0.0.1:{self.port}"
        said = self.wait_until(lambda said: said.count("?token=") == 2 and self.status(self.base) == 403)
        self.links = {line.split()[1]: line.split(": ", 2)[2] for line in said.splitlines() if "?token=" in line}

    def status(self, url: str, headers: dict[str, str] | None = None) -> int:
        """The HTTP status of ``url`` (0: nothing answers yet)."""
        try:
            return urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10).status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return 0


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    s = Site(tmp_path_factory.mktemp("web"))
    yield s
    s.close()


def test_links_are_per_user_and_kept_private(site):
    assert set(site.links) == {"alice", "lead"}
    tokens = site.store / "web-tokens.json"
    assert tokens.stat().st_mode & 0o777 == 0o600
    assert sorted(json.loads(tokens.read_text()).values()) == ["alice", "lead"]


def test_nothing_is_served_without_a_valid_link(site):
    assert site.status(site.base + "/") == 403
    assert site.status(site.base + "/?token=guessed") == 403
    assert site.status(site.links["alice"]) == 200
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Origin": site.base}
    assert site.status(site.base + "/ws", upgrade) == 403  # no cookie
    token = site.links["alice"].split("token=")[1]
    other_site = {**upgrade, "Cookie": f"claimtag_session={token}", "Origin": "http://evil.example"}
    assert site.status(site.base + "/ws", other_site) == 403  # a page of another site cannot drive a session


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is needed (.ci/run installs it)")
def test_tag_a_claim_in_a_real_browser(site):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.goto(site.links["alice"])
            page.wait_for_selector(".xterm-screen", timeout=30_000)  # the terminal is a canvas: no text to read
            deadline = time.monotonic() + 30
            while "GET /ws" not in site.log.read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(3)  # the app's process starts (the store is where the result is checked)
            page.mouse.click(600, 400)
            for key in ("j", "Enter", "2"):
                page.keyboard.press(key)
                time.sleep(1.5)
            deadline = time.monotonic() + 20
            while not tagged(site) and time.monotonic() < deadline:
                time.sleep(0.3)
            page.screenshot(path=str(site.store.parent / "browser.png"))  # kept for a person to look at
            page.keyboard.press("q")
            time.sleep(1)
        finally:
            browser.close()
    out = subprocess.run([str(CLAIMTAG), "export", "--store", str(site.store), "--annotator", "alice"],
                         capture_output=True, text=True, timeout=60)
    records = [json.loads(line) for line in out.stdout.splitlines()]
    (record,) = [r for r in records if r["claims"]]
    assert record["doc_id"] == "001_7a089fa4fc1eff1a" and [c["stance"] for c in record["claims"]] == ["against"]
    entry = next(json.loads(x) for x in (site.store / "log" / "alice.jsonl").read_text().splitlines()
                 if '"op": "claim.put"' in x)
    assert entry["ssh"] == "alice web"
