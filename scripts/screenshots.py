"""Refresh the README's screenshots (docs/*.png) from the demo and from a project on real OpenStreetMap
streets (tests/osm_city.py: the ODbL extract of central Aguascalientes), in headless Chromium, offline.

    python scripts/screenshots.py

Needs Debian's Chromium (apt-get install chromium fonts-noto-cjk) and Playwright
for Python (the ``test`` extra). Every non-file request is blocked, as in the
browser tests, so the pictures show what a leader sees with no network.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from osm_city import make_osm_project  # noqa: E402

from geo.cli import main as geo  # noqa: E402

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = {"overview.png": "overview.html", "leader.png": "leaders/D03.html", "gaps.png": "gaps.html"}
PHONE_SHOTS = {"leader-phone.png": "leaders/D03.html"}  # 390 x 844, as a leader opens the file sent to them
OSM_SHOTS = {"osm-overview.png": "overview.html", "osm-leader.png": "leaders/D1.html"}
OSM_PHONE_SHOTS = {"osm-overview-phone.png": "overview.html"}


def _shoot(browser, out: Path, shots: dict[str, str], phone: bool) -> None:
    size = {"width": 390, "height": 844} if phone else {"width": 1200, "height": 800}
    page = browser.new_page(viewport=size, is_mobile=phone, has_touch=phone)
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    for shot, html in shots.items():
        page.goto((out / html).as_uri())
        page.wait_for_selector(".leaflet-container")
        page.wait_for_timeout(500)
        page.screenshot(path=str(ROOT / "docs" / shot))
        print(f"docs/{shot}")
    page.close()


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out, osm = Path(tmp) / "maps", Path(tmp) / "osm-maps"
        if geo(["build", str(ROOT / "layers"), "--out", str(out), "-q"]) != 0:
            return 1
        if geo(["build", str(make_osm_project(Path(tmp) / "osm")), "--out", str(osm), "-q"]) != 0:
            return 1
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=ARGS)
            _shoot(browser, out, SHOTS, phone=False)
            _shoot(browser, out, PHONE_SHOTS, phone=True)
            _shoot(browser, osm, OSM_SHOTS, phone=False)
            _shoot(browser, osm, OSM_PHONE_SHOTS, phone=True)
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
