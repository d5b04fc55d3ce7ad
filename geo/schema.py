"""The data contract: layers, their columns, accepted headers and values.

This module is data, not logic: `load` uses the header aliases, `validate`
the required columns and the value vocabularies. English names are the
canonical ones; the Chinese forms are what campaign offices type.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import opencc  # OpenCC's Traditional <-> Simplified tables (Apache-2.0): imported with the command, not mid-run

__all__ = [
    "CONTROL_CHARS",
    "LAYERS",
    "VOCABULARIES",
    "LayerSpec",
    "name_key",
    "normalise_header",
    "normalise_text",
    "simplified",
    "strip_controls",
    "MAP_TEXT_CHARS",
    "PRIVATE_COLUMNS",
]


@dataclass(frozen=True)
class LayerSpec:
    """What one layer of a project looks like."""

    name: str
    required: bool
    geometry: tuple[str, ...]  # accepted geometry types; () for a table
    columns: dict[str, tuple[str, ...]]  # canonical column -> accepted aliases
    required_columns: tuple[str, ...]

    @property
    def spatial(self) -> bool:
        return bool(self.geometry)


POLYGONS = ("Polygon", "MultiPolygon")
LINES = ("LineString", "MultiLineString")

LAYERS: dict[str, LayerSpec] = {
    spec.name: spec
    for spec in [
        LayerSpec(
            "communities",
            True,
            POLYGONS,
            {
                # village and township tables too (Taiwan's 村里界: VILLCODE, VILLNAME, TOWNNAME); headers
                # are compared in Simplified, so 編號 / 村里名稱 match as written
                "id": ("编号", "社区代码", "社区编号", "代码", "村里代码", "村代码", "villcode"),
                "name": ("名称", "社区名称", "社区", "村里名称", "村里", "村名", "villname"),
                "tier": ("类别", "等级", "社区类别"),
                "street": ("街道", "所属街道", "街道办", "乡镇", "乡镇名称", "乡镇市区", "townname"),
            },
            ("id",),  # a missing name takes the id; a missing tier is general (or comes from `tiers`)
        ),
        LayerSpec(
            "roads",
            False,  # a district may check its communities before it has a street file
            LINES,
            {
                "name": ("道路名称", "路名", "名称"),
                "id": ("编号", "osm_id"),
                "class": ("等级", "道路等级", "highway"),
            },
            (),  # with no name column every piece is unnamed
        ),
        LayerSpec(
            "leaders",
            True,
            (),
            {
                "id": ("编号",),
                "name": ("姓名",),
                "title": ("职务",),
                "level": ("级别",),
                "unit": ("单位",),
                "phone": ("电话", "联系电话"),
            },
            ("id", "name", "level"),
        ),
        LayerSpec(
            "assignments",
            True,
            (),
            {
                "leader": ("责任人", "领导"),
                "kind": ("类型",),
                "target": ("对象", "责任对象"),
                "from": ("起点",),
                "to": ("止点", "终点"),
                "role": ("职责",),
            },
            ("leader", "kind", "target"),
        ),
        LayerSpec(
            "status",
            False,
            (),
            {
                "kind": ("类型",),
                "target": ("对象",),
                "item": ("事项", "整改事项"),
                "state": ("状态",),
                "progress": ("进度",),
                "due": ("期限", "整改期限"),
                "updated": ("更新日期",),
                "note": ("备注",),
            },
            ("kind", "target", "item", "state"),
        ),
        LayerSpec(
            "issues",
            False,
            ("Point",),
            {
                "id": ("编号",),
                "reported": ("日期", "反映日期"),
                "source": ("来源",),
                "category": ("类别",),
                "state": ("状态",),
                "due": ("整改期限", "期限"),
                "note": ("备注", "说明"),
                "lon": ("经度", "longitude", "lng", "x"),
                "lat": ("纬度", "latitude", "y"),
            },
            ("id",),  # without a state every issue is open (a hotline export of open cases)
        ),
        LayerSpec("boundary", False, POLYGONS, {"name": ("名称",)}, ()),
        # The office's short list of demonstration and key communities (contract v3): it wins over
        # the layer's own tier column, and a community it does not name is general.
        LayerSpec(
            "tiers",
            False,
            (),
            {
                "community": ("社区", "社区名称", "社区编号", "名称", "编号", "村里", "村里名称", "村里代码"),
                "tier": ("类别", "等级", "社区类别", "类型"),
            },
            ("community", "tier"),
        ),
        # The inspection groups (督查组) whose maps confirm or send back what leaders report (contract v3).
        LayerSpec(
            "inspectors",
            False,
            (),
            {
                "id": ("编号", "督查组编号", "组号"),
                "name": ("名称", "督查组", "督查组名称", "组名"),
            },
            ("id",),  # a group without a name is called by its id
        ),
    ]
}

# A text longer than this is shortened in the maps (each map is a file people open on a phone; the
# reports keep it whole), with a warning when it is read.
MAP_TEXT_CHARS = 2000

# Columns whose values are private: never echoed in a message, the ledger or any shared file.
PRIVATE_COLUMNS = {"leaders": {"phone"}}

# Canonical value -> accepted spellings (matched after `normalise_text`).
VOCABULARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "tier": {
        "demonstration": ("示范", "示范社区", "demo"),
        "key": ("重点", "重点社区"),
        "general": ("一般", "一般社区", "普通", "普通社区", "ordinary"),
    },
    "level": {
        "city": ("市", "市级", "市领导"),
        "district": ("区", "区级", "区领导"),
        "street": ("街道", "街道级", "乡镇", "镇"),
        "department": ("部门", "市直部门", "工作队"),
    },
    "assignment_kind": {
        "road": ("包路", "道路", "整路"),
        "section": ("路段", "包路段"),
        "community": ("包社区", "包片", "社区"),
    },
    "status_kind": {
        "community": ("社区",),
        "road": ("道路",),
    },
    "status_state": {
        "todo": ("未开始",),
        "doing": ("整改中", "进行中"),
        "done": ("已完成", "完成"),
    },
    # What hotline (12345) and 311 systems write, too.
    "issue_state": {
        "open": (
            "未整改",
            "未完成",
            "处理中",
            "办理中",
            "待处理",
            "待办",
            "已受理",
            "受理",
            "整改中",
            "未办结",
            "进行中",
            "新建",
            "new",
            "pending",
            "in progress",
            "assigned",
        ),
        "resolved": (
            "已整改",
            "已解决",
            "已办结",
            "办结",
            "已处理",
            "已完成",
            "完成",
            "已关闭",
            "关闭",
            "closed",
            "done",
            "completed",
        ),
    },
    "issue_source": {
        "complaint": ("投诉", "热线", "12345", "12345热线", "市民热线", "市长热线", "举报", "来电", "网络", "311"),
        "inspection": ("检查", "明查", "暗访", "督查", "巡查", "自查", "抽查"),
        "leader": ("领导上报", "包保领导上报"),  # pinned by a leader on their own map (geo.replies)
    },
}

# Invisible characters that have no business in a name and can do harm: C0 and C1 controls (NUL,
# escape sequences that repaint a terminal …) and the bidirectional overrides and isolates that make
# text display in another order than it reads (U+202A–U+202E, U+2066–U+2069). Tab, line feed and
# carriage return are whitespace: they fold to a space like any other.
# U+FFFE, U+FFFF and lone surrogates are no characters at all: XML (a .docx, an .xlsx) cannot hold them.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")
SPACES = re.compile(r"[^\S\x0b\x0c\x1c-\x1f\x85]+")  # whitespace, but not the controls above


def normalise_text(value: object) -> str:
    """Fold full-width forms and stray or full-width spaces out of a name.

    ``"　红门路 "`` and ``"红门路"`` normalise alike; case is kept (ids
    may be case-sensitive), so callers fold case where they need to.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return SPACES.sub(" ", text).strip(" ")


def strip_controls(text: str) -> str:
    """`text` without `CONTROL_CHARS`, spaces normalised again."""
    return normalise_text(CONTROL_CHARS.sub("", text))


@functools.cache
def _t2s():
    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=1 << 16)
def simplified(text: str) -> str:
    """`text` in Simplified Chinese (OpenCC ``t2s``): 編號 -> 编号, 紅門路 -> 红门路; other text as it is."""
    return _t2s().convert(text) if text and not text.isascii() else text


def normalise_header(value: object) -> str:
    """Header and vocabulary comparison key: normalised text without controls, Simplified, lower case, no spaces.

    So 編號, 编号 and ``编 号`` are one header, 區 and 区 one level.
    """
    return simplified(strip_controls(normalise_text(value))).lower().replace(" ", "").replace("_", "")


def name_key(value: object) -> str:
    """Matching key for a name or id a person typed: width, script (繁/简) and letter case folded.

    ``"紅門路"``, ``"红门路"`` and ``"　红门路 "`` match; so do ``"Calle Nadir"`` and ``"CALLE NADIR"``.
    Only for matching: messages and outputs keep the user's own spelling.
    """
    return simplified(normalise_text(value)).casefold()


def vocabulary_lookup(vocabulary: str) -> dict[str, str]:
    """Map every accepted spelling (folded) of a vocabulary to its canonical value."""
    table = {}
    for canonical, aliases in VOCABULARIES[vocabulary].items():
        for spelling in (canonical, *aliases):
            table[normalise_header(spelling)] = canonical
    return table
