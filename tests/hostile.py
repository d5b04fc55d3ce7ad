"""A project whose every text holds template syntax and HTML/JS payloads (issue 9).

Each field gets its own tag (``c1.name`` …) followed by every payload, so a
test can look for that field's text, literally, in each output; and a tag
followed by ``1337`` would mean ``{{ 7*191 }}`` was evaluated somewhere.
Vocabulary fields (tier, level, kind, state, source) keep valid values, and
dates stay dates: a payload there is an input error, tested elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from conftest import line, square, write_csv, write_geojson

PAYLOADS = (
    "{{ 7*191 }}",
    "{% if 1 %}x{% endif %}",
    "{#",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
)
EVALUATED = "1337"  # what {{ 7*191 }} becomes when text is run as a template


def text(tag: str) -> str:
    """The hostile text of one field: its tag, then every payload."""
    return f"{tag} " + " ".join(PAYLOADS)


# Names that must also be file names ([files] in geo.toml): no '/', which no file name may hold.
def file_text(tag: str) -> str:
    return f"{tag} {{{{ 7*191 }}}} {{% if 1 %}}x{{% endif %}} {{# <img src=x onerror=alert(1)>"


ROAD, CROSS_A, CROSS_B = text("r1.name"), text("r2.name"), text("r3.name")
COMMUNITY_1, COMMUNITY_2 = text("c1.id"), text("c2.id")
LEADER_1, LEADER_2 = text("l1.id"), text("l2.id")
COMMUNITIES_FILE = file_text("file") + ".geojson"
NAME_HEADER = "名称 {{ 7*191 }} {% if 1 %}x{% endif %}"
TITLE = text("toml.title")
TAGS = (
    "r1.name",
    "c1.name",
    "c1.street",
    "l1.name",
    "l1.title",
    "l1.unit",
    "s1.item",
    "s1.note",
    "i1.category",
    "i1.note",
    "toml.title",
)


def make_hostile_project(folder: Path) -> Path:
    """A small, valid project (one road with two sections, two communities, issues, status)."""
    folder.mkdir(parents=True)
    communities = [
        {
            "id": COMMUNITY_1,
            NAME_HEADER: text("c1.name"),
            "tier": "demonstration",
            "street": text("c1.street"),
            "extra": text("c1.extra"),
            "geometry": square(-100, -300, 500, 300),
        },
        {
            "id": COMMUNITY_2,
            NAME_HEADER: text("c2.name"),
            "tier": "key",
            "street": text("c2.street"),
            "extra": text("c2.extra"),
            "geometry": square(500, -300, 1100, 300),
        },
    ]
    write_geojson(folder / COMMUNITIES_FILE, communities)
    roads = [
        {"name": ROAD, "id": text("r1.id"), "class": text("r1.class"), "geometry": line((0, 0), (1000, 0))},
        {"name": CROSS_A, "id": text("r2.id"), "class": text("r2.class"), "geometry": line((0, -100), (0, 100))},
        {"name": CROSS_B, "id": text("r3.id"), "class": text("r3.class"), "geometry": line((600, -100), (600, 100))},
        {
            "name": text("r4.name"),
            "id": text("r4.id"),
            "class": text("r4.class"),
            "geometry": line((1000, -100), (1000, 100)),
        },
    ]
    write_geojson(folder / "roads.geojson", roads)
    write_csv(
        folder / "leaders.csv",
        [
            {
                "id": LEADER_1,
                "name": text("l1.name"),
                "title": text("l1.title"),
                "level": "district",
                "unit": text("l1.unit"),
                "phone": "13800000000",
            },
            {
                "id": LEADER_2,
                "name": text("l2.name"),
                "title": text("l2.title"),
                "level": "street",
                "unit": text("l2.unit"),
                "phone": "13900000000",
            },
        ],
    )
    write_csv(
        folder / "assignments.csv",
        [
            {
                "leader": LEADER_1,
                "kind": "section",
                "target": ROAD,
                "from": CROSS_A,
                "to": CROSS_B,
                "role": text("a1.role"),
            },
            {
                "leader": LEADER_2,
                "kind": "community",
                "target": COMMUNITY_1,
                "from": "",
                "to": "",
                "role": text("a2.role"),
            },
            {
                "leader": LEADER_1,
                "kind": "community",
                "target": COMMUNITY_2,
                "from": "",
                "to": "",
                "role": text("a3.role"),
            },
        ],
    )
    write_csv(
        folder / "status.csv",
        [
            {
                "kind": "community",
                "target": COMMUNITY_1,
                "item": text("s1.item"),
                "state": "doing",
                "progress": "40",
                "due": "2022-05-01",
                "updated": "2022-04-01",
                "note": text("s1.note"),
            },
            {
                "kind": "road",
                "target": ROAD,
                "item": text("s2.item"),
                "state": "done",
                "progress": "100",
                "due": "2022-06-01",
                "updated": "2022-04-01",
                "note": text("s2.note"),
            },
        ],
    )
    write_geojson(
        folder / "issues.geojson",
        [
            {
                "id": text("i1.id"),
                "reported": "2022-04-01",
                "source": "complaint",
                "category": text("i1.category"),
                "state": "open",
                "due": "2022-05-01",
                "note": text("i1.note"),
                "geometry": square(0, 0, 1, 1).centroid,
            },
            {
                "id": text("i2.id"),
                "reported": "2022-04-02",
                "source": "inspection",
                "category": text("i2.category"),
                "state": "resolved",
                "due": "",
                "note": text("i2.note"),
                "geometry": square(700, 10, 701, 11).centroid,
            },
        ],
    )
    write_geojson(folder / "boundary.geojson", [{"name": text("b1.name"), "geometry": square(-100, -300, 1100, 300)}])
    toml = "\n".join(
        [
            "today = 2022-05-14",
            "[files]",
            f"communities = {_toml(COMMUNITIES_FILE)}",
            "[columns.communities]",
            f"name = {_toml(NAME_HEADER)}",
            "[map]",
            f"title = {_toml(TITLE)}",
            'basemap = "intranet,tianditu"',
            f"tiles_url = {_toml('http://127.0.0.1:9/{z}/{x}/{y}.png?q=' + text('toml.url'))}",
            f"tiles_attribution = {_toml(text('toml.attribution'))}",
            f"tianditu_key = {_toml(text('toml.key'))}",
            "write_key = true",
        ]
    )
    (folder / "geo.toml").write_text(toml + "\n", encoding="utf-8")
    return folder


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
