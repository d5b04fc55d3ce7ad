"""Replies from the field as a person makes them: a leader's map and an inspection group's map on a phone, offline.

The demo project copied to a temporary folder and built there (its own secret); headless Chromium at
390 × 844 with every request but ``file:`` aborted. A leader reports an item done with a note and a photo
taken on a phone (larger than 1600 px, with EXIF), pins a problem inside a community, reopens the page
(the marks are still there) and saves the reply; the office imports it and rebuilds; an inspection group
confirms the report; imported and rebuilt again, the item is confirmed. And the page's own SHA-256,
HMAC-SHA256 and canonical form give exactly what Python gives (`geo.replies`).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import re
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PIL import Image
from test_browser import ARGS, CHROMIUM, _missing
from test_render import map_data

from conftest import ROOT
from geo import replies
from geo.assets import static_text
from geo.cli import main
from geo.render import leader_filenames

pytestmark = pytest.mark.browser

ZONE = "Asia/Shanghai"
LEADER = "D03"  # a district leader of the demo who holds communities with open items
NOTE = '已拆除 "东侧" \\ </script>{{ 7*191 }} 😀'  # a note is data: quotes, a backslash, markup, an emoji


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


def _phone(browser):
    """A phone's page (390 × 844, touch) in China's time zone, offline, downloads kept, errors recorded."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        timezone_id=ZONE,
        accept_downloads=True,
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    # a basemap's tiles are aborted (offline): those loads fail by design, nothing else may
    page.on(
        "console",
        lambda m: (
            page.errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "blob:", "data:")) else r.abort())
    return context, page


def _open(page, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_function("() => window.geo && geo.drawnAt", timeout=20_000)
    page.wait_for_timeout(300)


def _camera_photo(path: Path) -> Path:
    """A phone camera's JPEG: 2400 × 1800, turned by its EXIF (shown upright as 1800 × 2400), with maker and model."""
    rng = np.random.default_rng(7)
    coarse = Image.fromarray(rng.integers(0, 255, (225, 300, 3), dtype=np.uint8))
    image = coarse.resize((2400, 1800), Image.Resampling.BILINEAR)  # blotches, as a photo has, not pure noise
    exif = Image.Exif()
    exif[0x010F] = "GeoTestCameraMaker"
    exif[0x0110] = "GeoTestModel"
    exif[0x0112] = 6  # rotate 90° clockwise to show
    image.save(path, "JPEG", quality=95, exif=exif.tobytes())
    return path


def _album_photo(path: Path) -> Path:
    """A PNG from the album, wider than 1600 px, no EXIF."""
    Image.new("RGB", (2000, 1000), (30, 160, 90)).save(path, "PNG")
    return path


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The demo's layers in a folder of their own (no secret, no replies yet), with inspection groups, built."""
    tmp = tmp_path_factory.mktemp("replies")
    folder = tmp / "project"
    shutil.copytree(ROOT / "layers", folder, ignore=shutil.ignore_patterns(".geo-secret", "replies"))
    if not (folder / "inspectors.csv").exists():  # the demo's own groups once the contract's table is in
        (folder / "inspectors.csv").write_text("id,name\nG1,第一督查组\nG2,第二督查组\n", encoding="utf-8")
    out = tmp / "maps"
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    return folder, out, tmp


def _inside(folder: Path, community: str) -> tuple[float, float]:
    """A point well inside `community` and away from every issue (where a tap lands on the map itself), lon/lat."""
    communities = gpd.read_file(folder / "communities.geojson")
    issues = gpd.read_file(folder / "issues.geojson")
    metric = communities.estimate_utm_crs()
    shape = communities.to_crs(metric).set_index(communities["id"].astype(str)).geometry[community]
    points = issues.to_crs(metric).geometry
    x0, y0, x1, y1 = shape.bounds
    grid = [shapely.Point(x, y) for x in np.linspace(x0, x1, 25) for y in np.linspace(y0, y1, 25)]
    inner = shape.buffer(-40)
    best = max((p for p in grid if inner.contains(p)), key=lambda p: points.distance(p).min())
    point = gpd.GeoSeries([best], crs=metric).to_crs(4326).iloc[0]
    return point.x, point.y


def _tap_at(page, lon: float, lat: float) -> None:
    """The map centred on the point at street level, and a finger on it."""
    page.evaluate("([lat, lon]) => geo.map.setView([lat, lon], 17, {animate: false})", [lat, lon])
    page.wait_for_timeout(300)
    x, y = page.evaluate(
        "([lat, lon]) => { const p = geo.map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }", [lat, lon]
    )
    box = page.evaluate("() => geo.map.getContainer().getBoundingClientRect().toJSON()")
    page.touchscreen.tap(box["x"] + x, box["y"] + y)


def _save(page, tmp: Path) -> Path:
    with page.expect_download() as download:
        page.locator(".geo-reply-save").click()
    path = tmp / download.value.suggested_filename
    download.value.save_as(path)
    return path


def _checked(path: Path, folder: Path) -> tuple[dict, dict[str, bytes]]:
    """The reply read and checked as `geo import` checks it, and valid under the shipped JSON Schema."""
    import jsonschema

    data = path.read_bytes()
    reply = replies.read_reply(data)
    photos = replies.check_reply(reply, replies.project_secret(folder))
    schema = json.loads((ROOT / "geo" / "reply.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(reply, schema)
    return reply, photos


def test_a_leader_reports_done_and_pins_a_problem_and_an_inspection_group_confirms_it(browser, project):
    folder, out, tmp = project
    today = datetime.now(ZoneInfo(ZONE)).strftime("%Y%m%d")
    leader_file = out / "leaders" / leader_filenames([LEADER])[LEADER]
    reply_data = map_data(leader_file.read_text(encoding="utf-8"))["reply"]
    item = next(i for i in reply_data["items"] if i["key"].startswith("community:") and i["state"] != "done")
    community = item["key"].split(":")[1]
    lon, lat = _inside(folder, community)
    camera, album = _camera_photo(tmp / "camera.jpg"), _album_photo(tmp / "album.png")
    with Image.open(camera) as image:
        assert max(image.size) > 1600 and image.getexif()

    context, page = _phone(browser)
    try:
        _open(page, leader_file)
        # 报完成 on the item, with a note and a photo from the camera
        page.locator(".geo-panel .geo-fold").click()  # the bottom sheet opens
        row = page.locator(f'.geo-reply-items .geo-reply-row[data-key="{item["key"]}"]')
        row.locator(".geo-reply-done").click()
        page.locator(".geo-reply-note").fill(NOTE)
        page.locator(".geo-photo-camera").set_input_files(str(camera))
        page.locator(".geo-reply-preview").wait_for(timeout=20_000)
        page.locator(".geo-reply-ok").click()
        assert "待发送" in row.inner_text()
        # 上报问题: a tap inside the community, a category, a note, a photo from the album
        page.locator(".geo-reply-report").click()
        page.locator(".geo-pick").wait_for()
        _tap_at(page, lon, lat)
        page.locator(".geo-reply-category").select_option("卫生死角")
        page.locator(".geo-reply-note").fill("绿化带内暴露垃圾")
        page.locator(".geo-photo-album").set_input_files(str(album))
        page.locator(".geo-reply-preview").wait_for(timeout=20_000)
        page.locator(".geo-reply-ok").click()
        assert page.locator(".geo-reply-count").inner_text() == "2 项待发送"

        # closed and opened again: the marks are still there, and the pin on the map
        page.reload()
        page.wait_for_function("() => window.geo && geo.drawnAt", timeout=20_000)
        assert page.locator(".geo-reply-count").inner_text() == "2 项待发送"
        page.locator(".geo-panel .geo-fold").click()
        assert "待发送" in page.locator(f'.geo-reply-row[data-key="{item["key"]}"]').inner_text()
        assert "卫生死角" in page.locator(".geo-reply-marks").inner_text()
        assert page.locator('path[stroke="#4a235a"]').count() == 1  # the problem pinned, drawn where it was tapped

        # 保存回执: a download named for the person and the day
        saved = _save(page, tmp)
        assert saved.name == f"回执_{LEADER}_{today}.json"
        assert page.locator(".geo-reply-count").inner_text() == ""
        assert page.locator(".geo-reply-sent").count() == 2  # shown as sent ...
        (tmp / "again").mkdir()
        again = _save(page, tmp / "again")
        assert again.read_bytes() == saved.read_bytes()  # ... and never sent again: the same reply, once more
        assert page.errors == []
    finally:
        context.close()

    reply, photos = _checked(saved, folder)
    assert (reply["map"], reply["person"], reply["project"]) == ("leader", LEADER, reply_data["project"])
    done, pinned = reply["entries"]
    assert (done["action"], done["item"], done["note"]) == ("done", item["key"], NOTE)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00", done["at"])
    assert (pinned["action"], pinned["category"], pinned["located"]) == ("report", "卫生死角", "tap")
    assert re.fullmatch(r"\d+\.\d{6}", pinned["lon"]) and re.fullmatch(r"\d+\.\d{6}", pinned["lat"])
    assert abs(float(pinned["lon"]) - lon) < 2e-5 and abs(float(pinned["lat"]) - lat) < 2e-5
    for digest in (done["photo"], pinned["photo"]):
        data = photos[digest]
        assert hashlib.sha256(data).hexdigest() == digest and len(data) <= 320 * 1024
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and max(image.size) <= 1600
            assert not image.getexif() and "exif" not in image.info
        assert b"GeoTestCameraMaker" not in data and b"Exif\x00\x00" not in data
    with Image.open(io.BytesIO(photos[done["photo"]])) as image:
        assert image.size == (1200, 1600)  # shown upright (the EXIF turn applied), shrunk to 1600 px

    assert main(["import", "--project", str(folder), str(saved)]) == 0
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    from geo.pipeline import check

    analysis = check(folder).analysis
    status = analysis.status.set_index("key")
    assert (status.at[item["key"], "state"], status.at[item["key"], "verification"]) == ("done", "reported")
    report = status.at[item["key"], "report"]
    assert report == f"leader/{LEADER}/{done['n']}"
    new = analysis.issues[analysis.issues["id"].astype(str).str.startswith("R-")]
    assert len(new) == 1 and new["community"].iloc[0] == community
    assert set(analysis.community_leaders[community]) <= set(new["leaders"].iloc[0])
    assert new["photo"].iloc[0] == pinned["photo"]
    issue_id = new["id"].iloc[0]

    context, page = _phone(browser)
    try:
        # the leader's map now says reported; the new issue's popup shows its photo
        _open(page, leader_file)
        page.locator(".geo-panel .geo-fold").click()
        assert "已报完成" in page.locator(f'.geo-reply-row[data-key="{item["key"]}"]').inner_text()
        _open(page, out / "overview.html")
        page.locator(".geo-search input").fill(issue_id)
        page.locator(".geo-search input").press("Enter")
        image = page.locator(".leaflet-popup-content img.geo-photo")
        image.wait_for(timeout=5000)
        assert image.get_attribute("src").startswith("data:image/jpeg;base64,")
        assert page.evaluate("() => document.querySelector('.leaflet-popup-content img').naturalWidth") > 0

        # an inspection group confirms the report
        groups = sorted((out / "inspectors").glob("*.html"))
        assert groups
        _open(page, groups[0])
        page.locator(".geo-panel .geo-fold").click()
        row = page.locator(f'.geo-reply-checks .geo-reply-row[data-report="{report}"]')
        row.locator(".geo-reply-confirm").click()
        page.locator(".geo-reply-note").fill("现场核实，已整改")
        page.locator(".geo-reply-ok").click()
        (tmp / "confirm").mkdir()
        confirmed = _save(page, tmp / "confirm")
        assert page.errors == []
    finally:
        context.close()
    reply, _ = _checked(confirmed, folder)
    [entry] = reply["entries"]
    assert (reply["map"], entry["action"], entry["report"], entry["item"]) == (
        "inspectors",
        "confirm",
        report,
        item["key"],
    )
    assert main(["import", "--project", str(folder), str(confirmed)]) == 0
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    status = check(folder).analysis.status.set_index("key")
    assert (status.at[item["key"], "state"], status.at[item["key"], "verification"]) == ("done", "confirmed")


TRICKY = [
    '中文 with emoji 😀 and "quotes" and \\ backslashes',
    "control \x00\x01\x08\t\n\x0b\x0c\r\x1f\x7f characters",
    "</script><script>alert(1)</script> {{ 7*191 }} {% if %} {# #}",
    "\u2028\u2029\ufeff\uffff 𝄞 \U0010ffff",
    "",
]


def _values() -> list:
    return [
        {"note": text, "n": k, "flags": [True, False, None], "big": -(2**53) + 1} for k, text in enumerate(TRICKY)
    ] + [
        {"\uffff": 1, "😀": 2, "a": {"z": [], "b": {}}, "中": "文"},  # keys by code point: U+FFFF before U+1F600
        [0, 1, -1, 123456789, "x"],
        "just text 😀",
    ]


def test_the_pages_canonical_form_and_signature_are_pythons(browser, tmp_path):
    page_file = tmp_path / "crypto.html"
    page_file.write_text(f"<!DOCTYPE html><meta charset='utf-8'><script>{static_text('reply.js')}</script>", "utf-8")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(page_file.as_uri())
        key = hashlib.sha256(b"a person's key").digest()
        for value in _values():
            got = page.evaluate(
                "([v, k]) => [geoReplyCrypto.canonical(v), geoReplyCrypto.sign(v, geoReplyCrypto.fromHex(k))]",
                [value, key.hex()],
            )
            assert got[0] == replies.canonical(value).decode("ascii"), value
            assert got[1] == hmac.new(key, replies.canonical(value), hashlib.sha256).hexdigest()
            if isinstance(value, dict):
                assert got[1] == replies.sign(value, key)
        # SHA-256 at every padding boundary, and HMAC with a key longer than a block
        for size in (0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_003):
            data = bytes((7 * i + size) % 256 for i in range(size))
            got = page.evaluate("(b) => geoReplyCrypto.hex(geoReplyCrypto.sha256(new Uint8Array(b)))", list(data))
            assert got == hashlib.sha256(data).hexdigest(), size
        long_key = bytes(range(100))
        got = page.evaluate(
            "([k, m]) => geoReplyCrypto.hex(geoReplyCrypto.hmac(new Uint8Array(k), new Uint8Array(m)))",
            [list(long_key), list(b"message")],
        )
        assert got == hmac.new(long_key, b"message", hashlib.sha256).hexdigest()
        # text as UTF-8, as Python encodes it
        text = "混合 text 😀 \u2028"
        got = page.evaluate("(t) => Array.from(geoReplyCrypto.utf8(t))", text)
        assert bytes(got) == text.encode("utf-8")
    finally:
        context.close()


def _small_maps(tmp_path, basemap: str = "none"):
    """The small project of test_reply_maps, its maps written: one item and one issue reported done (on the
    default basemap), or as built for an AMap basemap (drawn in GCJ-02)."""
    from dataclasses import replace

    from test_reply_maps import _context, _project

    from geo.config import load_config
    from geo.pipeline import check
    from geo.render import build_context, render_inspectors_map, render_leader_map

    folder = _project(tmp_path / "p")
    if basemap == "none":
        context = _context(folder)
        render_inspectors_map(context, "G1", tmp_path / "G1.html")
    else:
        config = load_config(folder)
        config = replace(config, map=replace(config.map, basemap=basemap))
        secret = replies.project_secret(folder, create=True)
        context = build_context(check(folder, config).analysis, config.map, secret=secret)
    render_leader_map(context, "D1", tmp_path / "D1.html")
    return folder


def test_an_inspection_group_sends_back_with_a_note_and_copies_its_reply(browser, tmp_path):
    folder = _small_maps(tmp_path)
    context, page = _phone(browser)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    try:
        _open(page, tmp_path / "G1.html")
        # the photo sent with a report shows in the issue's popup and beside the report; bytes that are no
        # image (I1's) show nowhere
        for issue_id, shown in (("I3", 1), ("I1", 0)):
            page.locator(".geo-search input").fill(issue_id)
            page.locator(".geo-search input").press("Enter")
            popup = page.locator(".leaflet-popup-content", has_text=issue_id)
            popup.wait_for(timeout=5000)
            photos = popup.locator("img.geo-photo")
            assert photos.count() == shown
            if shown:
                assert photos.get_attribute("src").startswith("data:image/jpeg;base64,")
                assert page.evaluate("() => document.querySelector('img.geo-photo').naturalWidth") == 40
        page.locator(".geo-panel .geo-fold").click()
        assert page.locator(".geo-reply-checks img.geo-reply-thumb").count() == 2  # both reports sent one photo
        item = page.locator('.geo-reply-checks .geo-reply-row[data-report="leader/S1/k1"]')
        assert "丁" in item.inner_text()  # who reported it
        item.locator(".geo-reply-return").click()
        page.locator(".geo-reply-ok").click()  # a send-back needs a note
        assert page.locator(".geo-dialog-status").inner_text() == "退回须写明原因"
        page.locator(".geo-reply-note").fill("现场仍有违建")
        page.locator(".geo-reply-ok").click()
        assert "退回" in item.inner_text() and "待发送" in item.inner_text()
        item.locator(".geo-reply-undo").click()  # taken back before it is sent
        assert item.locator(".geo-reply-return").count() == 1
        item.locator(".geo-reply-return").click()
        page.locator(".geo-reply-note").fill("现场仍有违建")
        page.locator(".geo-reply-ok").click()
        issue = page.locator('.geo-reply-checks .geo-reply-row[data-report="leader/D1/k2"]')
        issue.locator(".geo-reply-confirm").click()
        page.locator(".geo-reply-ok").click()
        page.locator(".geo-reply-copy").click()
        page.wait_for_function("() => document.querySelector('.geo-reply-count').textContent === ''")
        text = page.evaluate("() => navigator.clipboard.readText()")
        assert page.locator(".geo-reply-sent").count() == 2
        page.locator(".geo-reply-clear").click()  # the sent marks cleared: the rows can be marked again
        assert page.locator(".geo-reply-mark").count() == 0 and item.locator(".geo-reply-return").count() == 1
        assert page.errors == []
    finally:
        context.close()
    reply = replies.read_reply(("粘贴的回执：\n" + text + "\n").encode("utf-8"))  # as pasted into a chat
    replies.check_reply(reply, replies.project_secret(folder))
    sent_back, confirmed = reply["entries"]
    assert (sent_back["action"], sent_back["report"], sent_back["item"]) == (
        "return",
        "leader/S1/k1",
        "community:A:拆违",
    )
    assert sent_back["note"] == "现场仍有违建"
    assert (confirmed["action"], confirmed["report"], confirmed["issue"]) == ("confirm", "leader/D1/k2", "I3")
    assert (reply["map"], reply["person"], reply["name"]) == ("inspectors", "G1", "第1督查组")


def test_with_no_clipboard_the_reply_is_shown_to_copy_by_hand(browser, tmp_path):
    _small_maps(tmp_path)
    context, page = _phone(browser)
    page.add_init_script(
        "navigator.clipboard && (navigator.clipboard.writeText = () => Promise.reject(new Error('denied')));"
        "document.execCommand = () => false;"
    )
    try:
        _open(page, tmp_path / "D1.html")
        page.locator(".geo-panel .geo-fold").click()
        row = page.locator('.geo-reply-items .geo-reply-row[data-key="community:B:保洁"]')
        row.locator(".geo-reply-doing").click()
        page.locator(".geo-reply-progress").fill("60")
        page.locator(".geo-reply-ok").click()
        assert "进行中 60%" in row.inner_text()
        page.locator(".geo-reply-copy").click()
        shown = page.locator(".geo-reply-text")
        shown.wait_for(timeout=5000)
        reply = replies.read_reply(shown.input_value().encode("utf-8"))
        [entry] = reply["entries"]
        assert (entry["action"], entry["item"], entry["progress"]) == ("doing", "community:B:保洁", 60)
        assert page.errors == []
    finally:
        context.close()


def test_a_problem_pinned_on_an_amap_basemap_or_by_location_is_sent_in_wgs84(browser, tmp_path):
    from geo.coords import wgs84_to_gcj02

    folder = _small_maps(tmp_path, basemap="amap")
    communities = gpd.read_file(folder / "communities.geojson").set_index("id")
    point = communities.geometry["A"].representative_point()
    lon, lat = point.x, point.y
    glon, glat = (float(v) for v in wgs84_to_gcj02(lon, lat))
    context, page = _phone(browser)
    context.grant_permissions(["geolocation"])
    context.set_geolocation({"longitude": 112.2512346, "latitude": 30.3012346})
    try:
        _open(page, tmp_path / "D1.html")
        page.locator(".geo-reply-report").click()
        _tap_at(page, glon, glat)  # where the map draws the point
        page.locator(".geo-reply-ok").click()
        page.locator(".geo-reply-report").click()
        page.locator(".geo-reply-gps").click()
        page.locator(".geo-reply-category").select_option("其他")
        page.locator(".geo-reply-ok").click()
        path = _save(page, tmp_path)
        assert page.errors == []
    finally:
        context.close()
    reply, _ = _checked(path, folder)
    tapped, located = reply["entries"]
    assert tapped["located"] == "tap" and tapped["category"] == "垃圾堆放"  # the project's most frequent first
    assert abs(float(tapped["lon"]) - lon) < 2e-5 and abs(float(tapped["lat"]) - lat) < 2e-5
    assert (located["located"], located["lon"], located["lat"], located["category"]) == (
        "gps",
        "112.251235",
        "30.301235",
        "其他",
    )
