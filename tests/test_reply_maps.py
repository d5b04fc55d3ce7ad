"""Maps that answer (geo.render, static/reply.js): each person's key in their own map only, what each map lists.

A small project: two communities (A held by S1, B by D1), one road whose sections D1 and D2 hold, status
items on both communities and on the road, issues open and resolved. The reply columns the analysis gets
once replies are applied (verification, report, the reply's note and photo) are set by hand where a test
needs them, as `geo.replies.settle` sets them.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from dataclasses import replace

import pandas as pd
import pytest
import shapely
from test_render import features, map_data

from conftest import LEADERS, line, m, make_project, square, write_csv
from geo.cli import main
from geo.config import load_config
from geo.pipeline import check
from geo.render import (
    ISSUE_COLORS,
    build_context,
    inspector_filenames,
    leader_filenames,
    render_index,
    render_inspectors_map,
    render_leader_map,
    render_overview,
)
from geo.replies import item_key, person_key, project_secret, project_token

HOSTILE = "</script><img src=x onerror=alert(1)>{{ 7*191 }}"


def _project(folder):
    communities = [
        {"id": "A", "name": "左社区", "tier": "key", "geometry": square(0, -300, 500, 300)},
        {"id": "B", "name": "右社区", "tier": "general", "geometry": square(500, -300, 1000, 300)},
    ]
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "甲街", "geometry": line((0, -300), (0, 300))},
        {"name": "乙街", "geometry": line((500, -300), (500, 300))},
        {"name": "丙街", "geometry": line((1000, -300), (1000, 300))},
    ]
    assignments = [
        {"leader": "S1", "kind": "community", "target": "A"},
        {"leader": "D1", "kind": "community", "target": "B"},
        {"leader": "D1", "kind": "section", "target": "东西路", "from": "甲街", "to": "乙街"},
        {"leader": "D2", "kind": "section", "target": "东西路", "from": "乙街", "to": "丙街"},
    ]
    status = [
        {"kind": "community", "target": "A", "item": "拆违", "state": "todo", "due": "2022-05-01"},
        {"kind": "community", "target": "A", "item": "绿化", "state": "done", "progress": 100},
        {"kind": "community", "target": "B", "item": "保洁", "state": "doing", "progress": 40},
        {"kind": "road", "target": "东西路", "item": "刷黑", "state": "todo", "due": "2022-06-01"},
    ]
    issues = [
        {"id": "I1", "state": "open", "category": "卫生死角", "geometry": shapely.Point(m(200, 150))},
        {"id": "I2", "state": "resolved", "category": "垃圾堆放", "geometry": shapely.Point(m(700, 150))},
        {"id": "I3", "state": "open", "category": "垃圾堆放", "geometry": shapely.Point(m(800, -150))},
    ]
    folder = make_project(
        folder,
        communities=communities,
        roads=roads,
        leaders=LEADERS,
        assignments=assignments,
        status=status,
        issues=issues,
    )
    write_csv(folder / "inspectors.csv", [{"id": "G1", "name": "第一督查组"}, {"id": "../G2", "name": HOSTILE}])
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The project built with the CLI, as the office builds it: its secret made in the project folder."""
    tmp = tmp_path_factory.mktemp("replymaps")
    folder = _project(tmp / "p")
    out = tmp / "maps"
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    return folder, out


def _jpeg(size=(40, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def _context(folder, lang: str | None = None, inspectors=("G1", "../第二组"), secret=True):
    """The project's analysis with one item and one issue reported done by their leader, and two inspection groups."""
    config = load_config(folder)
    if lang:
        config = replace(config, map=replace(config.map, lang=lang))
    analysis = check(folder, config).analysis
    status = analysis.status.copy()
    photo = _jpeg()
    digest = hashlib.sha256(photo).hexdigest()
    settled = {"verification": "", "report": "", "reply_note": "", "reply_photo": "", "reply_by": "", "reply_day": None}
    for column, blank in settled.items():
        status[column] = pd.Series([blank] * len(status), index=status.index, dtype=object)
    done = (status["target"] == "A") & (status["item"] == "拆违")
    status.loc[done, ["state", "verification", "report", "reply_note", "reply_photo", "reply_by"]] = [
        "done",
        "reported",
        "leader/S1/k1",
        HOSTILE,
        digest,
        "S1",
    ]
    analysis.status = status
    issues = analysis.issues.copy()
    for column, blank in {**settled, "photo": "", "reply": ""}.items():
        issues[column] = pd.Series([blank] * len(issues), index=issues.index, dtype=object)
    at = issues["id"] == "I3"
    issues.loc[at, ["state", "verification", "report", "reply_photo", "reply_by"]] = [
        "resolved",
        "reported",
        "leader/D1/k2",
        digest,
        "D1",
    ]
    issues.loc[issues["id"] == "I1", "photo"] = hashlib.sha256(b"not an image").hexdigest()
    analysis.issues = issues
    analysis.photos = {digest: photo, hashlib.sha256(b"not an image").hexdigest(): b"not an image"}
    analysis.resolved.project.inspectors = pd.DataFrame(
        {
            "id": list(inspectors),
            "name": [f"第{n + 1}督查组" for n in range(len(inspectors))],
            "_row": [2, 3][: len(inspectors)],
        }
    )
    return build_context(analysis, config.map, secret=project_secret(folder, create=True) if secret else None)


def _data(path):
    return map_data(path.read_text(encoding="utf-8"))


def test_a_persons_key_is_in_their_own_map_only_and_the_secret_nowhere(built):
    folder, out = built
    secret = project_secret(folder)
    assert secret is not None  # made by the first build that wrote maps
    leaders = leader_filenames([leader["id"] for leader in LEADERS])
    groups = inspector_filenames(["G1", "../G2"])
    assert groups["../G2"].startswith("group.")  # a safe name for any id
    maps = {("leader", i): out / "leaders" / name for i, name in leaders.items()}
    maps |= {("inspectors", i): out / "inspectors" / name for i, name in groups.items()}
    for (kind, person), own in maps.items():
        key = person_key(secret, kind, person).hex()
        assert key in own.read_text(encoding="utf-8")
        reply = _data(own)["reply"]
        assert (reply["key"], reply["map"], reply["person"]) == (key, kind, person)
        for path in out.rglob("*"):
            if path.is_file() and path != own:
                assert key.encode() not in path.read_bytes(), (person, path.name)
    written = [path.read_bytes() for path in out.rglob("*") if path.is_file()]
    for form in (secret.hex(), secret.hex().upper(), base64.b64encode(secret).decode()):
        assert not any(form.encode() in data for data in written), form
    # the maps without a person carry no key and no reply panel (the script is in every page, idle)
    for name in ("overview.html", "gaps.html"):
        text = (out / name).read_text(encoding="utf-8")
        assert "reply" not in _data(out / name) and 'class="geo-reply-bar"' not in text
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "geo-reply" not in index
    # the index links each inspection group's map, its name as text
    assert f'href="inspectors/{groups["../G2"]}"' in index and 'href="inspectors/G1.html"' in index
    assert HOSTILE not in index and "第一督查组" in index


def test_a_leaders_map_lists_their_open_items_and_issues_and_the_projects_categories(built):
    folder, out = built
    secret = project_secret(folder)
    reply = _data(out / "leaders" / "D1.html")["reply"]
    assert reply["project"] == project_token(secret) and reply["map"] == "leader"
    assert (reply["person"], reply["name"], reply["built"]) == ("D1", "乙", load_config(folder).as_of().isoformat())
    # B's item (D1 holds B) and the road's (D1 holds a section of it); not A's, nor a done one
    assert [(i["key"], i["label"], i["state"], i["progress"]) for i in reply["items"]] == [
        (item_key("road", "东西路", "刷黑"), "刷黑 · 东西路", "todo", None),
        (item_key("community", "B", "保洁"), "保洁 · 右社区", "doing", 40),
    ]
    assert [i["id"] for i in reply["issues"]] == ["I3"]  # I2 is resolved; I1 lies in A, off the road's ends
    # the project's categories, most frequent first, then the seed's kinds, always ending with 其他
    categories = reply["categories"]
    assert categories[:2] == ["垃圾堆放", "卫生死角"] and categories[-1] == "其他"
    assert len(categories) == len(set(categories)) and "违章搭建" in categories
    assert reply["words"]["reply.save"] == "保存回执" and reply["words"]["reply.report"] == "上报问题"
    s1 = _data(out / "leaders" / "S1.html")["reply"]
    assert [i["key"] for i in s1["items"]] == [item_key("community", "A", "拆违")]  # 绿化 is done
    page = (out / "leaders" / "D1.html").read_text(encoding="utf-8")
    assert page.count('class="geo-reply-bar"') == 1 and 'class="geo-reply-items"' in page


def test_maps_built_from_frames_cannot_answer(tmp_path):
    context = _context(_project(tmp_path / "p"), secret=False)
    render_leader_map(context, "D1", tmp_path / "D1.html")
    render_inspectors_map(context, "G1", tmp_path / "G1.html")
    for name in ("D1.html", "G1.html"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "reply" not in _data(tmp_path / name) and 'class="geo-reply-bar"' not in text
    # without the UI the inspection group's panel still lists what awaits its word
    assert "拆违 · 左社区" in (tmp_path / "G1.html").read_text(encoding="utf-8")


def test_an_inspection_groups_map_lists_the_reports_to_verify_with_their_photos(tmp_path):
    folder = _project(tmp_path / "p")
    context = _context(folder)
    files = inspector_filenames(context.inspectors["id"])
    assert files["G1"] == "G1.html" and re.fullmatch(r"group\.[0-9a-f]{12}\.html", files["../第二组"])
    for group_id, name in files.items():
        render_inspectors_map(context, group_id, tmp_path / "maps" / "inspectors" / name)
    data = _data(tmp_path / "maps" / "inspectors" / "G1.html")
    reply = data["reply"]
    secret = project_secret(folder)
    assert (reply["map"], reply["person"], reply["name"]) == ("inspectors", "G1", "第1督查组")
    assert reply["key"] == person_key(secret, "inspectors", "G1").hex()
    assert reply["key"] not in (tmp_path / "maps" / "inspectors" / files["../第二组"]).read_text(encoding="utf-8")
    checks = {c["report"]: c for c in reply["checks"]}
    assert set(checks) == {"leader/S1/k1", "leader/D1/k2"}
    item, issue = checks["leader/S1/k1"], checks["leader/D1/k2"]
    assert (item["item"], item["label"], item["by"], item["note"]) == (
        "community:A:拆违",
        "拆违 · 左社区",
        "丁",
        HOSTILE,
    )
    assert (issue["issue"], issue["by"]) == ("I3", "乙") and "item" not in issue
    # the photos shown go in once each, as data URLs of images; bytes that are no image are left out
    assert set(data["photos"]) == {item["photo"]}
    assert data["photos"][item["photo"]].startswith("data:image/jpeg;base64,/9j/")
    # the whole district, with the issue reported resolved in a layer of its own, shown, in its own colour
    layers = {layer["name"]: layer for layer in data["layers"]}
    reported = next(layer for name, layer in layers.items() if name.startswith("已报完成问题点"))
    assert [f["id"] for f in features(reported)] == ["I3"] and reported["show"]
    assert reported["style"]["reported"]["fillColor"] == ISSUE_COLORS["reported"]
    assert features(reported)[0]["photo"] == item["photo"] and features(reported)[0]["state_word"] == "已报完成"
    # the index links each group's map
    leaders = leader_filenames(context.leaders["id"])
    render_index(context, tmp_path / "maps" / "index.html", _figures(tmp_path, folder), leaders, files)
    index = (tmp_path / "maps" / "index.html").read_text(encoding="utf-8")
    assert 'href="inspectors/G1.html"' in index and f'href="inspectors/{files["../第二组"]}"' in index
    assert "督查组地图" in index and reply["key"] not in index


def _figures(tmp_path, folder):
    out = tmp_path / "figures"
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    return json.loads((out / "reports" / "summary.json").read_text(encoding="utf-8"))


def test_states_say_how_the_replies_left_them_and_reply_text_stays_data(tmp_path):
    context = _context(_project(tmp_path / "p"))
    render_overview(context, tmp_path / "overview.html", _figures(tmp_path, tmp_path / "p"))
    render_inspectors_map(context, "G1", tmp_path / "G1.html")
    data = _data(tmp_path / "overview.html")
    [community] = [f for layer in data["layers"] for f in features(layer) if f.get("id") == "A" and "status" in f]
    assert ["拆违", "已报完成"] in [row[:2] for row in community["status"]]
    assert "reply" not in data  # the overview answers for no one
    text = (tmp_path / "G1.html").read_text(encoding="utf-8")
    assert HOSTILE not in text and "1337" not in text  # the note is in the JSON, escaped, and never run
    assert _data(tmp_path / "G1.html")["reply"]["checks"][0]["note"] == HOSTILE


@pytest.mark.parametrize(
    "lang,words",
    [
        ("en", {"reply.save": "Save reply", "verification.reported": "reported done", "reply.file": "reply"}),
        ("zh-Hant", {"reply.save": "保存回執", "verification.reported": "已報完成", "reply.file": "回執"}),
    ],
)
def test_the_reply_words_speak_the_maps_language(tmp_path, lang, words):
    context = _context(_project(tmp_path / "p"), lang=lang)
    render_leader_map(context, "S1", tmp_path / "S1.html")
    reply = _data(tmp_path / "S1.html")["reply"]
    assert {k: reply["words"][k] for k in words} == words
    assert reply["items"][0]["state_word"] == words["verification.reported"]
    assert reply["categories"][-1] == ("other" if lang == "en" else "其他")


def test_a_leaders_share_pack_map_answers_with_their_key_alone(built, tmp_path):
    import shutil
    import zipfile

    from geo.config import load_config
    from geo.pipeline import share

    folder, _ = built
    project = tmp_path / "p"
    shutil.copytree(folder, project)  # the module's build stays as it was
    written = share(project, tmp_path / "maps", load_config(project), ["D1"])
    secret = project_secret(project)
    assert secret is not None
    own, other = person_key(secret, "leader", "D1").hex(), person_key(secret, "leader", "D2").hex()
    (pack,) = [path for path in written.files if path.suffix == ".zip"]
    with zipfile.ZipFile(pack) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    maps = [name for name in contents if name.endswith(".html")]
    assert len(maps) == 1
    assert _data_of(contents[maps[0]])["reply"]["person"] == "D1"
    for name, data in contents.items():
        assert (own.encode() in data) == (name in maps), name  # the key in the map only
        assert other.encode() not in data and secret.hex().encode() not in data


def _data_of(page: bytes) -> dict:
    return map_data(page.decode("utf-8"))
