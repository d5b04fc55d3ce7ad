"""What a person sees: the demo maps in headless Chromium, with the network blocked.

Every request that is not a ``file:`` URL is aborted inside the browser, so a
map that still needed a CDN would fail here. Needs Debian's Chromium
(``apt-get install chromium fonts-noto-cjk``) and Playwright for Python (the
``test`` extra); without them these tests skip on a user's machine and fail
under CI (``CI=true``), where `.ci/run` installs them.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import shapely

from conftest import ROOT, SCREENSHOTS, line, m, make_project, square
from geo.cli import main
from geo.render import GAP_COLOR, ISSUE_COLORS, TIER_STYLE, UNNAMED_ROAD

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("GEO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
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
EXPECTED = json.loads((ROOT / "tests" / "data" / "demo_expected.json").read_text(encoding="utf-8"))


def _hover(page, selector: str) -> None:
    """The mouse moved onto the middle of an element (what it opens may then cover it: no waiting for that)."""
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed: pip install '.[test]'"
    if not Path(CHROMIUM).exists():
        return "Chromium is not installed: apt-get install chromium fonts-noto-cjk (or set GEO_CHROMIUM)"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(f"browser tests need a browser: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def demo_maps(demo_build) -> Path:
    """The demo built once per test run (conftest.py), shared with test_build_demo.py: only read here."""
    return demo_build.out


@pytest.fixture(scope="module")
def shots(tmp_path_factory, request) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    request.config.stash[SCREENSHOTS] = folder  # printed in the run's summary (conftest.py)
    return folder


class Page:
    """A page opened offline, with its console errors, failed requests and dialogs recorded."""

    def __init__(self, browser, path: Path, has_map: bool = True):
        self.context = browser.new_context(viewport={"width": 1280, "height": 860})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

        def route(r):
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        self.page.route("**/*", route)
        self.page.goto(path.as_uri())
        if has_map:
            self.page.wait_for_selector(".leaflet-container", timeout=10_000)
        self.page.wait_for_timeout(300)

    def paths(self, fill: str | None = None, stroke: str | None = None) -> int:
        return self.page.evaluate(
            """([fill, stroke]) => Array.from(document.querySelectorAll('path.leaflet-interactive')).filter(
                p => (!fill || p.getAttribute('fill') === fill) && (!stroke || p.getAttribute('stroke') === stroke)
            ).length""",
            [fill, stroke],
        )

    def visible_point(self, selector: str) -> tuple[float, float]:
        """A point of the first matching path that is not covered by anything else (where a person clicks)."""
        point = self.page.evaluate(
            """(selector) => {
                const path = document.querySelector(selector);
                const box = path.getBoundingClientRect();
                for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
                    const x = box.left + box.width * i / 20, y = box.top + box.height * j / 20;
                    if (document.elementFromPoint(x, y) === path) return [x, y];
                }
                return null;
            }""",
            selector,
        )
        assert point is not None, f"{selector} is covered everywhere"
        return point

    def switcher(self):
        """The layer switcher, opened as a person opens it on a desktop: by moving the mouse over it."""
        if not self.page.locator(".leaflet-control-layers-expanded").count():
            _hover(self.page, ".leaflet-control-layers-toggle")
        self.page.locator(".leaflet-control-layers-expanded").wait_for(timeout=3000)
        return self.page.locator(".leaflet-control-layers")

    def close(self):
        self.context.close()


@pytest.fixture
def overview(browser, demo_maps):
    page = Page(browser, demo_maps / "overview.html")
    yield page
    page.close()


def test_overview_draws_every_community_in_its_tier_colour_and_the_roads(overview, shots):
    assert overview.paths(fill=TIER_STYLE["demonstration"]["fillColor"]) == 4
    assert overview.paths(fill=TIER_STYLE["key"]["fillColor"]) == 24
    assert overview.paths(fill=TIER_STYLE["general"]["fillColor"]) == 48
    assert overview.paths(stroke="#1f3a93") == 13  # city leaders' roads
    assert overview.paths(stroke="#16a085") == 11  # district leaders' sections
    overview.page.screenshot(path=str(shots / "overview.png"))
    assert overview.errors == [] and overview.blocked == []


def test_hover_shows_name_tier_and_leader_and_click_opens_status(overview):
    x, y = overview.visible_point(f'path.leaflet-interactive[fill="{TIER_STYLE["demonstration"]["fillColor"]}"]')
    overview.page.mouse.move(x, y)
    tooltip = overview.page.locator(".leaflet-tooltip").first
    tooltip.wait_for(timeout=3000)
    text = tooltip.inner_text()
    assert "示范社区" in text and "责任人" in text and "社区" in text
    overview.page.mouse.click(x, y)
    popup = overview.page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=3000)
    assert "整改事项" in popup.inner_text()


def test_legend_layers_scale_search_and_fullscreen(overview):
    page = overview.page
    assert "图例" in page.locator(".geo-legend").inner_text()
    assert page.locator(".leaflet-control-scale").is_visible()
    before = overview.paths(fill=TIER_STYLE["general"]["fillColor"])
    overview.switcher()
    page.locator(".leaflet-control-layers-overlays label", has_text="一般社区").locator("input").uncheck()
    assert overview.paths(fill=TIER_STYLE["general"]["fillColor"]) == before - 48
    page.locator(".leaflet-control-layers-overlays label", has_text="一般社区").locator("input").check()
    zoom = page.evaluate(
        "() => document.querySelector('.leaflet-container') && "
        "Object.values(window).find(v => v && v._leaflet_id && v.getZoom).getZoom()"
    )
    page.locator(".geo-search input").fill(EXPECTED["community_no_leader"]["name"])
    page.locator(".geo-search li").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=3000)
    assert EXPECTED["community_no_leader"]["name"] in popup.inner_text()
    page.wait_for_timeout(400)
    moved = page.evaluate("() => Object.values(window).find(v => v && v._leaflet_id && v.getZoom).getZoom()")
    assert moved > zoom  # the map moved in to the community
    page.locator(".geo-button").click()
    page.wait_for_timeout(300)
    assert page.evaluate("() => !!document.fullscreenElement || !!document.querySelector('.geo-fullscreen-on')")
    assert overview.errors == []


def test_leader_map_opens_on_their_features_and_lists_their_issues(browser, demo_maps, shots):
    leaders = json.loads((demo_maps / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert leaders["leaders"]["total"] > 0
    page = Page(browser, demo_maps / "leaders" / "D03.html")
    try:
        title = page.page.locator(".geo-title").inner_text()
        assert "副区长" in title
        panel = page.page.locator(".geo-panel").inner_text()
        assert "包保社区" in panel and "未整改问题" in panel
        zoom = page.page.evaluate("() => Object.values(window).find(v => v && v._leaflet_id && v.getZoom).getZoom()")
        assert zoom >= 13  # zoomed to the leader's area, not the whole district
        assert page.paths(stroke="#16a085") == 1  # the one section this leader holds
        page.page.screenshot(path=str(shots / "leader.png"))
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


def test_gap_map_shows_each_planted_gap(browser, demo_maps, shots):
    page = Page(browser, demo_maps / "gaps.html")
    try:
        # section gap, unmanaged stretch, territory gap, unled community, orphan issue
        assert page.paths(stroke=GAP_COLOR) + page.paths(fill=GAP_COLOR) >= 5
        names = page.page.locator(".leaflet-control-layers-overlays").inner_text()
        for label in ("路段空白（1）", "无人管路段（1）", "辖区空白（1）", "社区无责任人（1）", "问题点无责任人（1）"):
            assert label in names
        page.page.screenshot(path=str(shots / "gaps.png"))
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


def test_hostile_project_runs_no_script(browser, tmp_path):
    payload = "<img src=x onerror=alert(1)>"
    communities = [
        {"id": "A", "name": payload, "tier": "demonstration", "geometry": square(0, 0, 500, 500)},
        {"id": "B", "name": "`${alert(2)}`", "tier": "key", "geometry": square(500, 0, 1000, 500)},
    ]
    leaders = [
        {"id": "L1", "name": "<script>alert(3)</script>", "title": "\"'><svg onload=alert(4)>", "level": "district"}
    ]
    assignments = [{"leader": "L1", "kind": "community", "target": t} for t in "AB"]
    roads = [{"name": "</script><script>alert(5)</script>", "geometry": line((0, 250), (1000, 250))}]
    folder = make_project(
        tmp_path / "p", communities=communities, roads=roads, leaders=leaders, assignments=assignments
    )
    out = tmp_path / "maps"
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    for path in [out / "overview.html", out / "gaps.html", *sorted((out / "leaders").glob("*.html"))]:
        page = Page(browser, path)
        try:
            for selector in ('path.leaflet-interactive[fill="#c0392b"]', 'path.leaflet-interactive[fill="#f39c12"]'):
                target = page.page.locator(selector)
                if target.count():
                    target.first.hover(force=True)
                    target.first.click(force=True)
                    page.page.wait_for_timeout(200)
            page.page.locator(".geo-search input").fill("alert")
            page.page.wait_for_timeout(200)
            assert page.dialogs == [], path.name
            assert page.errors == [], (path.name, page.errors)
        finally:
            page.close()


def test_hostile_text_everywhere_is_shown_as_text(browser, tmp_path):
    """Every field holds template syntax and HTML/JS (tests/hostile.py): no dialog, no error, the text visible."""
    from hostile import TITLE, make_hostile_project, text

    folder = make_hostile_project(tmp_path / "p")
    out = tmp_path / "maps"
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    for path in [out / "index.html", out / "overview.html", out / "gaps.html", *sorted((out / "leaders").glob("*"))]:
        page = Page(browser, path, has_map=path.name != "index.html")
        if path.name == "index.html":  # no map: the same watch on dialogs and errors
            assert text("l1.name") in page.page.inner_text("body")
        else:
            assert TITLE in page.page.locator(".geo-title").inner_text()
            for target in page.page.locator("path.leaflet-interactive").all()[:6]:
                box = target.bounding_box()  # a popup may pan the map: only what is still in view
                if box is None or not (
                    0 <= box["x"] + box["width"] / 2 <= 1280 and 0 <= box["y"] + box["height"] / 2 <= 860
                ):
                    continue
                target.hover(force=True)
                target.click(force=True)
            page.page.locator(".geo-search input").fill("{{ 7*191 }}")
            page.page.wait_for_timeout(150)
            hits = page.page.locator(".geo-search li")
            assert "{{ 7*191 }} {% if 1 %}x{% endif %} {# </script><script>alert(1)</script>" in hits.first.inner_text()
            hits.first.click()
            page.page.wait_for_timeout(300)
            assert (
                "{{ 7*191 }} {% if 1 %}x{% endif %} {# </script><script>alert(1)</script>"
                in page.page.locator(".leaflet-popup-content").last.inner_text()
            )
        if path.parent.name == "leaders":
            assert "unit {{ 7*191 }}" in page.page.locator(".geo-panel").inner_text()
        assert page.dialogs == [], path.name
        # the configured basemaps' tiles are blocked (no network here): those and only those fail to load
        assert all("127.0.0.1:9" in url or "tianditu.gov.cn" in url for url in page.blocked), page.blocked
        errors = [e for e in page.errors if not e.startswith("Failed to load resource")]
        assert errors == [], (path.name, errors)
        page.close()


def _queries(maps: Path, leader: str | None) -> dict[str, str]:
    """A search text for each kind of hit (community, road, leader, issue), from the build's own reports."""
    import pandas as pd

    reports = maps / "reports"
    communities = pd.read_csv(reports / "communities.csv", dtype=str, keep_default_na=False)
    sections = pd.read_csv(reports / "sections.csv", dtype=str, keep_default_na=False)
    issues = pd.read_csv(reports / "issues.csv", dtype=str, keep_default_na=False)
    leaders = pd.read_csv(reports / "leaders.csv", dtype=str, keep_default_na=False)
    if leader is not None:
        communities = communities[communities["leaders"].str.split(";").map(lambda ids: leader in ids)]
        sections = sections[sections["leader"] == leader]
        issues = issues[issues["leaders"].str.split(";").map(lambda ids: leader in ids)]
        leaders = leaders[leaders["id"] == leader]
    else:
        leaders = leaders[leaders["id"].isin(sections["leader"])]
    return {
        "community": communities["id"].iloc[0],
        "road": sections["road"].iloc[0],
        "leader": leaders["name"].iloc[0],
        "issue": issues["id"].iloc[0],
    }


@pytest.mark.parametrize("map_name", ["overview.html", "gaps.html", "leaders/D03.html"])
def test_search_opens_a_popup_for_every_kind_of_hit(browser, demo_maps, map_name):
    """Community, road, leader and issue hits each open their popup, with no page error, in every map."""
    queries = _queries(demo_maps, "D03" if map_name.startswith("leaders/") else None)
    page = Page(browser, demo_maps / map_name)
    try:
        opened = []
        for kind, query in queries.items():
            page.page.locator(".geo-search input").fill(query)
            page.page.wait_for_timeout(150)
            hits = page.page.locator(".geo-search li", has_text=query)
            if not hits.count():
                continue  # the gap map draws no issues but orphans
            page.page.evaluate("() => document.querySelectorAll('.leaflet-popup-close-button').forEach(b => b.click())")
            page.page.wait_for_timeout(400)  # the closed popup fades out before it leaves the page
            hits.first.click()
            popup = page.page.locator(".leaflet-popup-content")
            popup.last.wait_for(timeout=3000)
            assert query in popup.last.inner_text(), (kind, query, popup.last.inner_text())
            opened.append(kind)
        expected = {"community", "road", "leader"} | ({"issue"} if map_name != "gaps.html" else set())
        assert expected <= set(opened), opened
        assert page.errors == [], page.errors
    finally:
        page.close()


def test_overlapping_communities_that_share_an_edge_draw_every_layer_and_control(browser, tmp_path):
    """The overlap of A and C is an area plus a line; drawn as an area only, nothing on the page breaks."""
    communities = [
        {"id": "A", "name": "甲社区", "tier": "demonstration", "geometry": square(0, 0, 400, 400)},
        # C overlaps A in a 40 x 40 m corner and shares A's top edge from x = 0 to 360
        {
            "id": "C",
            "name": "丙社区",
            "tier": "general",
            "geometry": square(0, 400, 360, 800).union(square(360, 360, 400, 800)),
        },
        {"id": "D", "name": "丁社区", "tier": "general", "geometry": square(400, 0, 800, 800)},  # no leader
    ]
    folder = make_project(
        tmp_path / "p",
        communities=communities,
        roads=[{"name": "路", "geometry": line((10, 200), (790, 200))}],
        leaders=[{"id": "S1", "name": "丁", "title": "书记", "level": "street"}],
        assignments=[{"leader": "S1", "kind": "community", "target": t} for t in "AC"],
    )
    out = tmp_path / "maps"
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    summary = json.loads((out / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["gaps"]["by_kind"]["territory_overlap"] == 1
    assert summary["gaps"]["geometry_parts_removed"] == {"territory_overlap": 1}
    for name, labels in (
        ("overview.html", ("示范社区", "一般社区")),
        ("gaps.html", ("辖区重叠（1）", "社区无责任人（1）")),
    ):
        page = Page(browser, out / name)
        try:
            assert page.errors == [], (name, page.errors)
            overlays = page.page.locator(".leaflet-control-layers-overlays").inner_text()
            for label in labels:
                assert label in overlays, (name, overlays)
            assert page.page.locator(".geo-search input").is_visible()
            assert page.page.locator(".geo-button").count() >= 1  # full screen
            if name == "gaps.html":
                # the overlap (an area) and the outline of the community with no leader
                assert page.paths(fill=GAP_COLOR) >= 1 and page.paths(stroke=GAP_COLOR) >= 2
        finally:
            page.close()


def test_maps_from_an_osm_extract_credit_openstreetmap(browser, tmp_path):
    """ODbL: a map made from OpenStreetMap data says so, on the overview and on a leader's map."""
    import geopandas as gpd
    import shapely
    from test_realworld import OSM_SAMPLE

    from conftest import LEADERS, write_csv

    folder = tmp_path / "osm"
    folder.mkdir()
    shutil.copy(OSM_SAMPLE, folder / "roads.osm.pbf")
    x0, y0, x1, y1 = gpd.read_file(OSM_SAMPLE, layer="lines", engine="pyogrio").total_bounds
    (folder / "communities.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"id": "C", "name": "Centro", "tier": "general"},
                        "geometry": shapely.geometry.mapping(shapely.box(x0 - 0.01, y0 - 0.01, x1 + 0.01, y1 + 0.01)),
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    write_csv(folder / "leaders.csv", LEADERS)
    write_csv(folder / "assignments.csv", [{"leader": "C1", "kind": "road", "target": "Calle Tacuba"}])
    out = tmp_path / "maps"
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    for path in (out / "overview.html", out / "leaders" / "C1.html"):
        page = Page(browser, path)
        try:
            credit = page.page.locator(".leaflet-control-attribution").inner_text()
            assert "© OpenStreetMap contributors (ODbL)" in credit
            assert page.errors == []
        finally:
            page.close()


# ----------------------------------------------------------------------------- names, clusters, leaders, phones
def _overlaps(page, markers: bool = False) -> int:
    """How many pairs of names drawn on the map cover one another (1 px of slack), and names over issue markers.

    Each name is the rectangle it is drawn in, turned as it is drawn (read from the page: its centre, its
    untransformed size and the angle of its CSS transform), so two slanted names side by side do not count;
    two rectangles meet when no edge direction of either separates them. With `markers`, each name is also
    tried against each issue cluster and issue circle drawn.
    """
    return page.evaluate(
        """(markers) => {
            const boxes = Array.from(document.querySelectorAll('.geo-name')).map(e => {
                const r = e.getBoundingClientRect(), m = new DOMMatrix(getComputedStyle(e).transform);
                const angle = Math.atan2(m.b, m.a);
                return {x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2, w: e.offsetWidth / 2 - 1,
                        h: e.offsetHeight / 2 - 1, a: angle};
            });
            const others = !markers ? [] : Array.from(document.querySelectorAll(
                '.geo-cluster, path.leaflet-interactive[fill="#e74c3c"], path.leaflet-interactive[fill="#7b241c"]'
            )).map(e => {
                const r = e.getBoundingClientRect();
                const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
                return {x: x, y: y, w: r.width / 2 - 1, h: r.height / 2 - 1, a: 0};
            });
            function corners(b) {
                const c = Math.cos(b.a), s = Math.sin(b.a);
                return [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([i, j]) =>
                    [b.x + i * b.w * c - j * b.h * s, b.y + i * b.w * s + j * b.h * c]);
            }
            function meet(p, q) {
                const P = corners(p), Q = corners(q);
                const axes = [p, q].flatMap(b => [[Math.cos(b.a), Math.sin(b.a)], [-Math.sin(b.a), Math.cos(b.a)]]);
                for (const [ux, uy] of axes) {
                    const on = (pts) => pts.map(([x, y]) => x * ux + y * uy);
                    const a = on(P), c = on(Q);
                    if (Math.max(...a) <= Math.min(...c) || Math.max(...c) <= Math.min(...a)) return false;
                }
                return true;
            }
            let n = 0;
            for (let i = 0; i < boxes.length; i++) {
                for (let j = i + 1; j < boxes.length; j++) if (meet(boxes[i], boxes[j])) n++;
                for (const o of others) if (meet(boxes[i], o)) n++;
            }
            return n;
        }""",
        markers,
    )


def _names(page, cls: str) -> list[str]:
    return page.evaluate("(cls) => Array.from(document.querySelectorAll('.' + cls)).map(e => e.textContent)", cls)


def test_roads_and_communities_are_named_without_collisions_and_more_names_come_as_one_zooms_in(overview, shots):
    page = overview.page
    roads, areas = _names(page, "geo-name-road"), _names(page, "geo-name-area")
    assert roads and areas
    demonstration = set(EXPECTED.get("demonstration_names", [])) or None
    tops = _names(page, "geo-name-top")
    assert tops  # demonstration and key communities are named at the district's zoom
    assert _overlaps(page) == 0
    page.evaluate("() => geo.map.setZoom(geo.map.getZoom() + 2, {animate: false})")
    page.wait_for_timeout(300)
    closer = _names(page, "geo-name-road") + _names(page, "geo-name-area")
    assert len(closer) > len(roads) + len(areas) or demonstration is None and len(closer) >= len(roads)
    assert _overlaps(page) == 0
    page.screenshot(path=str(shots / "overview-zoomed.png"))
    assert overview.errors == []


def test_issues_are_clustered_by_their_worst_state_and_resolved_ones_hidden(overview):
    page = overview.page
    page.evaluate("() => geo.map.fitBounds(geo.map.getBounds(), {animate: false})")
    clusters = page.locator(".geo-cluster")
    assert clusters.count() >= 1
    # the demo's open issues include overdue ones: at the district's zoom some cluster shows overdue
    assert page.locator(".geo-cluster-overdue").count() >= 1
    resolved = ISSUE_COLORS["resolved"]
    assert overview.paths(fill=resolved) == 0 and page.locator(".geo-cluster-resolved").count() == 0
    overview.switcher()
    toggle = page.locator(".leaflet-control-layers-overlays label", has_text="已整改问题点").locator("input")
    assert not toggle.is_checked()
    toggle.check()
    page.wait_for_timeout(300)
    shown = page.locator(".geo-cluster-resolved").count() + overview.paths(fill=resolved)
    assert shown >= 1
    toggle.uncheck()
    assert overview.errors == []


def test_a_leader_map_names_its_stretches_and_cross_streets_and_fits_clear_of_the_panel(browser, demo_maps):
    sections = __import__("pandas").read_csv(demo_maps / "reports" / "sections.csv", dtype=str, keep_default_na=False)
    mine = sections[sections["leader"] == "D03"].iloc[0]
    page = Page(browser, demo_maps / "leaders" / "D03.html")
    try:
        [stretch] = _names(page.page, "geo-name-stretch")
        assert mine["road"] in stretch and mine["from"] in stretch and mine["to"] in stretch and "米" in stretch
        roads = set(_names(page.page, "geo-name-road"))
        assert {mine["road"], mine["from"], mine["to"]} <= roads
        # the leader's own features lie in the part of the map the panel, title and controls leave free
        assert _covered(page.page) == []
        # the panel folds to its first line and opens again
        panel = page.page.locator(".geo-panel")
        height = panel.bounding_box()["height"]
        panel.locator(".geo-fold").click()
        assert panel.bounding_box()["height"] < height / 2
        panel.locator(".geo-fold").click()
        assert panel.bounding_box()["height"] == pytest.approx(height, abs=1)
        # unnamed roads are drawn, faint; the legend lists only what is on the map
        faint = f'path[stroke="{UNNAMED_ROAD["color"]}"]'  # drawn, not interactive
        assert page.page.locator(faint).count() >= 1
        legend = page.page.locator(".geo-legend").inner_text()
        assert "区领导包保路段" not in legend and "我包保的路段" in legend
        assert page.errors == []
    finally:
        page.close()


def _touch_drag(page, x: float, y: float, dx: float, dy: float) -> None:
    """One finger on the screen, dragged by (dx, dy) in steps (Chrome DevTools Protocol touch events)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for k in range(1, 11):
        point = {"x": x + dx * k / 10, "y": y + dy * k / 10}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


@pytest.mark.parametrize("name", ["overview.html", "gaps.html", "leaders/D03.html", "index.html"])
def test_on_a_phone_every_page_reads_without_zooming_and_pans_with_one_finger(browser, demo_maps, shots, name):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    try:
        page.goto((demo_maps / name).as_uri())
        page.wait_for_timeout(500)
        # text is readable as it is: nothing the page writes is smaller than 12 CSS pixels
        smallest = page.evaluate(
            """() => Math.min(...Array.from(document.querySelectorAll('body *')).filter(e =>
                e.offsetParent && Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())
                && !e.closest('.leaflet-control-attribution, .leaflet-control-scale, .geo-name-icon'))
                .map(e => parseFloat(getComputedStyle(e).fontSize)))"""
        )
        assert smallest >= 12, smallest
        assert page.evaluate(
            "() => document.documentElement.scrollWidth <= window.innerWidth + 1"
        )  # no sideways scroll
        page.screenshot(path=str(shots / f"phone-{name.replace('/', '-')}.png"))
        if name == "index.html":
            return
        # the panel is a folded bottom sheet; the layer switcher is a button; search and zoom are reachable
        for box in page.locator(".geo-panel").all():
            assert "geo-folded" in box.get_attribute("class")
            assert box.bounding_box()["y"] + box.bounding_box()["height"] == pytest.approx(844, abs=1)
        assert page.locator(".leaflet-control-layers-expanded").count() == 0
        for selector in (".geo-search input", ".leaflet-control-zoom-in", ".leaflet-control-layers-toggle"):
            box = page.locator(selector).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["y"] >= 0, selector
            hit = page.evaluate(
                "([x, y, s]) => document.elementFromPoint(x, y).closest(s) !== null",
                [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, selector],
            )
            assert hit, f"{selector} is covered"
        before = page.evaluate("() => geo.map.getCenter()")
        _touch_drag(page, 200, 420, -120, 0)
        page.wait_for_timeout(400)
        after = page.evaluate("() => geo.map.getCenter()")
        assert after["lng"] > before["lng"]  # dragged left: the map moved east
        assert errors == []
    finally:
        context.close()


def _large_project(folder: Path, rows: int = 40, columns: int = 50, issues: int = 50_000) -> Path:
    """A district of rows x columns communities (250 m squares), a named road every 4 blocks, and many issue points."""
    import numpy as np

    from conftest import LEADERS

    size = 250.0
    communities = [
        {
            "id": f"c{r:02d}{c:02d}",
            "name": f"第{r}排{c}号社区",
            "tier": "demonstration"
            if (r, c) in ((3, 3), (20, 25))
            else "key"
            if (r * columns + c) % 97 == 0
            else "general",
            "geometry": square(c * size, r * size, (c + 1) * size, (r + 1) * size),
        }
        for r in range(rows)
        for c in range(columns)
    ]
    roads = [
        {"name": f"横{r}路", "geometry": line((0, r * size), (columns * size, r * size))} for r in range(0, rows, 4)
    ]
    roads += [
        {"name": f"纵{c}街", "geometry": line((c * size, 0), (c * size, rows * size))} for c in range(0, columns, 4)
    ]
    rng = np.random.default_rng(7)
    xs, ys = rng.uniform(1, columns * size - 1, issues), rng.uniform(1, rows * size - 1, issues)
    states = rng.choice(["open", "resolved", "resolved", "resolved"], issues)
    points = [
        {"id": f"I{k:05d}", "state": s, "due": "2022-06-30", "geometry": shapely.Point(m(x, y))}
        for k, (x, y, s) in enumerate(zip(xs, ys, states))
    ]
    assignments = [{"leader": "C1", "kind": "road", "target": road["name"]} for road in roads[:3]]
    assignments += [{"leader": "S1", "kind": "community", "target": c["id"]} for c in communities[:400]]
    return make_project(
        folder, communities=communities, roads=roads, leaders=LEADERS, assignments=assignments, issues=points
    )


def test_a_district_of_2000_communities_and_50000_issues_draws_and_pans(browser, tmp_path, capsys):
    import time

    folder = _large_project(tmp_path / "big")
    out = tmp_path / "maps"
    started = time.perf_counter()
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    built = time.perf_counter() - started
    page = Page(browser, out / "overview.html")
    try:
        page.page.wait_for_function("() => window.geo && geo.drawnAt", timeout=60_000)
        figures = page.page.evaluate(
            """async () => {
                const t0 = performance.now();
                geo.map.panBy([300, 120], {animate: false});
                await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
                const pan = performance.now() - t0;
                const t1 = performance.now();
                geo.map.setZoom(geo.map.getZoom() + 1, {animate: false});
                await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
                return {drawn: geo.drawnAt, pan: pan, zoom: performance.now() - t1,
                        clusters: document.querySelectorAll('.geo-cluster').length};
            }"""
        )
        size = (out / "overview.html").stat().st_size
        with capsys.disabled():
            print(
                f"\n2,000 communities, 50,000 issues: build {built:.1f} s, overview {size / 1e6:.1f} MB, "
                f"first draw {figures['drawn']:.0f} ms, pan {figures['pan']:.0f} ms, zoom {figures['zoom']:.0f} ms, "
                f"{figures['clusters']} clusters"
            )
        assert figures["clusters"] >= 1  # the points are clustered, not 50,000 circles
        assert page.paths(fill=ISSUE_COLORS["open"]) < 2_000
        assert page.errors == []
    finally:
        page.close()


# ----------------------------------------------------------------------------- maps that read (issue 24)
VIEWPORTS = [(390, 844), (768, 1024), (1400, 900)]


@pytest.fixture(scope="module")
def osm_maps(tmp_path_factory) -> Path:
    """A project on the real streets of the OpenStreetMap extract (tests/osm_city.py), built once."""
    from osm_city import make_osm_project

    tmp = tmp_path_factory.mktemp("osm-city")
    folder = make_osm_project(tmp / "project")
    out = tmp / "maps"
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    return out


def _open(browser, path: Path, width: int, height: int):
    """A page at a viewport, as a phone (touch, narrow) below 600 px, with its errors recorded."""
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone, device_scale_factor=1
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(path.as_uri())
    page.wait_for_function("() => window.geo && geo.drawnAt", timeout=20_000)
    page.wait_for_timeout(400)
    return context, page, errors


def _covered(page) -> list:
    """What covers the map's content at the view shown: the content's bounds projected, against every box and control.

    The content is what the map is fitted to (a leader's own features, or the district), read from the
    page's data; the boxes are the title, panel and legend (.geo-box) and every Leaflet control, as drawn.
    Returns a list of problems (empty when the content is in view and clear of all of them).
    """
    return page.evaluate(
        """() => {
            const data = JSON.parse(document.getElementById('geo-data').textContent);
            const f = data.focus || data.bounds;
            const a = geo.map.latLngToContainerPoint([f[3], f[0]]), b = geo.map.latLngToContainerPoint([f[1], f[2]]);
            const frame = geo.map.getContainer().getBoundingClientRect();
            const content = [a.x + frame.left, a.y + frame.top, b.x + frame.left, b.y + frame.top];
            const problems = [];
            if (content[0] < frame.left - 1 || content[1] < frame.top - 1 || content[2] > frame.right + 1
                || content[3] > frame.bottom + 1) problems.push(['outside the view', content]);
            for (const e of document.querySelectorAll('.geo-box, .leaflet-control')) {
                const r = e.getBoundingClientRect();
                if (!r.width || !r.height || getComputedStyle(e).visibility === 'hidden') continue;
                const [x0, y0, x1, y1] = content;
                if (r.left + 1 < x1 && x0 + 1 < r.right && r.top + 1 < y1 && y0 + 1 < r.bottom)
                    problems.push([e.className, [r.left, r.top, r.right, r.bottom], content]);
            }
            return problems;
        }"""
    )


def _share_of_view(page) -> float:
    """How much of the view's width or height (the larger share) the content takes."""
    return page.evaluate(
        """() => {
            const data = JSON.parse(document.getElementById('geo-data').textContent), f = data.focus || data.bounds;
            const a = geo.map.latLngToContainerPoint([f[3], f[0]]), b = geo.map.latLngToContainerPoint([f[1], f[2]]);
            const size = geo.map.getSize();
            return Math.max((b.x - a.x) / size.x, (b.y - a.y) / size.y);
        }"""
    )


@pytest.mark.parametrize("width,height", VIEWPORTS)
def test_every_first_view_fits_its_content_clear_of_the_panels(browser, demo_maps, osm_maps, width, height):
    """The district (or a leader's own features) in view and under no box or control, at a phone, tablet, desktop."""
    maps = [
        demo_maps / n for n in ("overview.html", "gaps.html", "changes.html", "leaders/D03.html", "leaders/C01.html")
    ]
    maps += [osm_maps / n for n in ("overview.html", "gaps.html", "leaders/D1.html", "leaders/S1.html")]
    for path in maps:
        context, page, errors = _open(browser, path, width, height)
        try:
            assert _covered(page) == [], (path.name, width)
            zoom = page.evaluate("() => geo.map.getZoom()")  # fitted, not lost (or as close as a map goes: 17)
            assert _share_of_view(page) >= 0.45 or zoom == 17, (path.name, width, _share_of_view(page))
            assert errors == []
        finally:
            context.close()


def _road_samples(maps: Path, step_m: float = 250.0) -> tuple[list[list], dict]:
    """Points along every named road of a build, every `step_m` metres and at both ends: [name, lat, lon].

    Read from the roads the build kept (reports/responsibility.gpkg, in the district), measured in
    metres. Also each road's pieces joined end to end, in degrees, by name.
    """
    import geopandas as gpd

    roads = gpd.read_file(maps / "reports" / "responsibility.gpkg", layer="roads", engine="pyogrio")
    roads = roads[roads["name"].fillna("") != ""].to_crs(4326)
    metric = roads.to_crs(roads.estimate_utm_crs())
    samples, lines = [], {}
    for name, pieces in metric.groupby("name"):
        merged = shapely.line_merge(shapely.union_all(pieces.geometry.values))
        lines[name] = gpd.GeoSeries([merged], crs=metric.crs).to_crs(4326).iloc[0]
        for piece in shapely.get_parts(merged):
            length = piece.length
            at = [length / 2] if length < step_m else [*range(0, int(length), int(step_m)), length]
            points = gpd.GeoSeries([piece.interpolate(d) for d in at], crs=metric.crs).to_crs(4326)
            samples += [[name, p.y, p.x] for p in points]
    return samples, lines


def _names_in_view(page, samples: list[list], zoom: float) -> list[list]:
    """For each sample, the view centred on it at `zoom`, labelled: the samples whose road's name is not in view.

    Each missing sample comes back with the view's bounds (west, south, east, north), the metres in a
    pixel there and the name's width in the map's bold 12 px, measured here.
    """
    return page.evaluate(
        """([samples, zoom]) => {
            const missing = [], size = geo.map.getSize(), frame = geo.map.getContainer().getBoundingClientRect();
            const measure = document.createElement('canvas').getContext('2d');
            measure.font = 'bold 12px "Noto Sans CJK SC", sans-serif';
            for (const [name, lat, lon] of samples) {
                geo.map.setView([lat, lon], zoom, {animate: false});
                geo.place();
                const seen = Array.from(document.querySelectorAll('.geo-name-road')).some(e => {
                    if (e.textContent !== name) return false;
                    const r = e.getBoundingClientRect();
                    return r.left >= frame.left - 1 && r.top >= frame.top - 1 && r.right <= frame.left + size.x + 1
                        && r.bottom <= frame.top + size.y + 1;
                });
                if (seen) continue;
                const b = geo.map.getBounds();
                const metres = 40075016.686 * Math.cos(lat * Math.PI / 180) / Math.pow(2, zoom + 8);
                missing.push([name, lat, lon, [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], metres,
                              measure.measureText(name).width]);
            }
            return missing;
        }""",
        [samples, zoom],
    )


def _room(line, view, metres: float) -> float:
    """The longest stretch of `line` (degrees) inside the view (west, south, east, north), in pixels."""
    import geopandas as gpd

    inside = gpd.GeoSeries([shapely.intersection(line, shapely.box(*view))], crs=4326)
    parts = shapely.get_parts(inside.to_crs(inside.estimate_utm_crs()).iloc[0])
    return max((p.length for p in parts), default=0.0) / metres


@pytest.mark.parametrize("project,zoom,share", [("demo", 17, 1.0), ("osm", 18, 0.85)])
@pytest.mark.parametrize("width,height", [(390, 844), (1400, 900)])
def test_at_street_level_a_roads_name_is_in_view_wherever_the_road_is(
    browser, demo_maps, osm_maps, project, zoom, share, width, height
):
    """Views centred every 250 m along every named road: the road's name is in view.

    On the demo, everywhere. On the OpenStreetMap centre, where a hundred alleys of 20 to 60 m lie between
    longer streets, wherever the road's stretch in view is at least twice as long as its name, and in
    85 % of all the views (an alley's name gives way to its neighbours' rather than cover them).
    """
    maps = demo_maps if project == "demo" else osm_maps
    samples, lines = _road_samples(maps)
    assert len(lines) >= (18 if project == "demo" else 250)  # every named road
    context, page, errors = _open(browser, maps / "overview.html", width, height)
    try:
        missing = _names_in_view(page, samples, zoom)
        roomy = [m[:3] for m in missing if _room(lines[m[0]], m[3], m[4]) >= 2 * m[5]]
        # where the road has room, its name is there: on the demo always; on the OpenStreetMap centre all but
        # one view in 200 (a name can still give way to a neighbour's whose place depends on how the roads
        # were drawn and cut: 1 of 625 at 390 x 844 when measured)
        assert len(roomy) <= (0 if project == "demo" else len(samples) // 200), roomy
        assert len(missing) <= (1 - share) * len(samples), (len(missing), len(samples), missing[:10])
        # long roads carry their name more than once, and never two names cover each other
        page.evaluate("() => { geo.map.setView(geo.map.getCenter(), 17, {animate: false}); geo.place(); }")
        assert _overlaps(page) == 0
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("width,height", VIEWPORTS)
def test_a_leaders_stretches_are_named_beside_their_line_not_on_it(browser, demo_maps, osm_maps, width, height):
    """Each stretch label's box misses the stretch it names (its drawn line, 6 px wide), and lies near it."""
    import numpy as np
    from test_render import coordinates, map_data

    for path in (
        demo_maps / "leaders" / "D03.html",
        osm_maps / "leaders" / "D1.html",
        osm_maps / "leaders" / "D2.html",
    ):
        data = map_data(path.read_text(encoding="utf-8"))
        [layer] = [layer for layer in data["layers"] if layer["tip"] == "coverage"]
        shapes = [[f] if np.ndim(f[0]) == 1 else f for f in coordinates(layer)]  # lines, or multi-lines
        lines = [[[lat, lon] for lon, lat in part] for feature in shapes for part in feature]
        context, page, errors = _open(browser, path, width, height)
        try:
            found = page.evaluate(
                """(lines) => {
                    const frame = geo.map.getContainer().getBoundingClientRect();
                    const labels = Array.from(document.querySelectorAll('.geo-name-stretch')).map(e => {
                        const r = e.getBoundingClientRect();
                        return [r.left - frame.left, r.top - frame.top, r.right - frame.left, r.bottom - frame.top];
                    });
                    const drawn = lines.map(line => line.map(p => {
                        const q = geo.map.latLngToContainerPoint(p);
                        return [q.x, q.y];
                    }));
                    return {labels: labels, lines: drawn};
                }""",
                lines,
            )
            assert len(found["labels"]) == len(coordinates(layer))  # every stretch named
            strokes = shapely.MultiLineString(found["lines"]).buffer(3)  # as drawn: 6 px wide
            for label in found["labels"]:
                box = shapely.box(*label)
                assert not box.intersects(strokes), (path.name, width, label)
                assert box.distance(strokes) < 120, (path.name, width, label)  # beside it, not anywhere
            assert errors == []
        finally:
            context.close()


@pytest.mark.parametrize("width,height", [(390, 844), (1400, 900)])
def test_the_layer_switcher_is_folded_and_grouped_and_opens_with_a_tap_or_a_hover(browser, demo_maps, width, height):
    context, page, errors = _open(browser, demo_maps / "overview.html", width, height)
    try:
        assert page.locator(".leaflet-control-layers-expanded").count() == 0
        toggle = page.locator(".leaflet-control-layers-toggle")
        if width < 600:
            toggle.tap()
        else:
            _hover(page, ".leaflet-control-layers-toggle")
        page.locator(".leaflet-control-layers-expanded").wait_for(timeout=3000)
        entries = page.evaluate(
            """() => Array.from(document.querySelectorAll('.leaflet-control-layers-overlays > *')).map(
                e => [e.classList.contains('geo-layer-group') ? 'group' : 'layer', e.textContent.trim()])"""
        )
        groups = [text for kind, text in entries if kind == "group"]
        assert groups == ["底图与区界", "社区", "道路", "问题点", "空白点"]
        under = {}
        for kind, text in entries:
            if kind == "group":
                heading = text
            else:
                under.setdefault(heading, []).append(text)
        assert under["底图与区界"] == ["区界"]
        assert {"一般社区", "示范社区与重点社区", "社区名称"} <= set(under["社区"])
        assert {"市领导包保道路", "区领导包保路段", "道路名称"} <= set(under["道路"])
        assert any(t.startswith("未整改问题点") for t in under["问题点"])
        assert under["空白点"] == ["空白点（5）"]  # the demo's five planted gaps, behind one switch
        assert errors == []
    finally:
        context.close()


def test_the_overviews_gaps_are_one_switch_on_when_they_are_few_and_off_when_they_would_drown_the_tiers(
    browser, demo_maps, osm_maps
):
    """The demo's five small gaps cover under 1 % of the district: on. The OSM project's 220 (139 unmanaged
    stretches among them) cover more than 10 % of it as drawn: off, until switched on; on the gap map, always on."""
    for maps, shown in ((demo_maps, True), (osm_maps, False)):
        page = Page(browser, maps / "overview.html")
        try:
            drawn = page.paths(stroke=GAP_COLOR) + page.paths(fill=GAP_COLOR)
            assert (drawn > 0) is shown, maps
            page.switcher()
            toggle = page.page.locator(".leaflet-control-layers-overlays label", has_text="空白点（").locator("input")
            assert toggle.count() == 1 and toggle.is_checked() is shown
            if not shown:
                toggle.check()
                page.page.wait_for_timeout(200)
                assert page.paths(stroke=GAP_COLOR) + page.paths(fill=GAP_COLOR) > 0
            assert page.errors == []
        finally:
            page.close()
        gap_map = Page(browser, maps / "gaps.html")
        try:
            assert gap_map.paths(stroke=GAP_COLOR) + gap_map.paths(fill=GAP_COLOR) > 0
        finally:
            gap_map.close()


@pytest.mark.parametrize("width,height", VIEWPORTS)
def test_at_the_overviews_first_view_names_thin_out_by_priority_and_nothing_overlaps(
    browser, demo_maps, osm_maps, width, height
):
    """No name over another name or over an issue marker; every demonstration community in view is named."""
    for maps in (demo_maps, osm_maps):
        context, page, errors = _open(browser, maps / "overview.html", width, height)
        try:
            assert _overlaps(page, markers=True) == 0, (maps, width)
            from test_render import map_data

            data = map_data((maps / "overview.html").read_text(encoding="utf-8"))
            top = [a[0] for a in data["labels"]["areas"] if a[4] == 2]  # demonstration communities' names
            assert len(top) == (4 if maps == demo_maps else 1)
            named = set(_names(page, "geo-name-top"))
            assert set(top) <= named, (maps, width, set(top) - named)
            assert errors == []
        finally:
            context.close()
