"""The wording catalogue: a gap's facts (`geo.model.Gap`) in the reader's words.

The analysis finds facts; this module alone turns them into sentences, for the
terminal, the reports and the maps alike, so a second language is one more
table here and never a change to a check. Languages: ``zh`` (default), ``en``,
and ``zh-Hant``, which is the ``zh`` wording converted by OpenCC (``s2t``).

A check registered from outside (`geo.analyse.register`) brings its own labels
and, optionally, its own wording; without one it gets a plain description.

A placed road or section (`geo.resolve.Resolved.coverage`: codes and numbers)
is said here too: its ends (`section_label`) and how they were found
(`how_words`), from the catalogue's ``section.*`` messages (`geo.messages`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .checks import check_of
from .messages import LANGUAGES, Msg, msg, s2t, template
from .model import Gap, Summary

__all__ = [
    "LANGUAGES",
    "GapWords",
    "choose_language",
    "gap_words",
    "how_words",
    "kind_label",
    "level_label",
    "section_label",
    "section_words",
    "summary_lines",
    "written_in_traditional",
]

_KINDS = {
    "zh": {
        "section_gap": "路段空白",
        "section_overlap": "路段重叠",
        "unmanaged_stretch": "无人管路段",
        "territory_gap": "辖区空白",
        "territory_overlap": "辖区重叠",
        "community_no_leader": "社区无责任人",
        "no_district_leader": "示范/重点社区无区领导包保",
        "community_no_status": "社区未报送整改进度",
        "orphan_issue": "问题点无责任人",
    },
    "en": {
        "section_gap": "Section gap",
        "section_overlap": "Section overlap",
        "unmanaged_stretch": "Unmanaged stretch",
        "territory_gap": "Territory gap",
        "territory_overlap": "Territory overlap",
        "community_no_leader": "Community without a leader",
        "no_district_leader": "Demonstration/key community without a district leader",
        "community_no_status": "Community without status",
        "orphan_issue": "Issue without a leader",
    },
}

_LEVELS = {
    "zh": {"city": "市级", "district": "区级", "street": "街道（乡镇）级", "department": "市直部门"},
    "en": {"city": "city", "district": "district", "street": "street", "department": "department"},
}

_TIERS = {
    "zh": {"demonstration": "示范", "key": "重点", "general": "一般"},
    "en": {"demonstration": "demonstration", "key": "key", "general": "general"},
}


def written_in_traditional(names) -> bool:
    """Whether a district writes its names in Traditional characters (so its maps should too).

    A name is Traditional when OpenCC's ``t2s`` changes it, Simplified when it
    holds a character Big5-HKSCS (the Traditional character set) lacks, as
    龙 or 区; names in characters common to both (中山里) say nothing.
    Traditional when at least one name is, and fewer than one in twenty of
    the telling names is Simplified (a stray name typed on a mainland
    keyboard does not turn a Taiwanese district's maps).
    """
    from .schema import simplified

    traditional = simplified_only = 0
    for name in {str(n) for n in names if n}:
        if simplified(name) != name:
            traditional += 1
        elif not _in_big5(name):
            simplified_only += 1
    return traditional > 0 and simplified_only * 20 < traditional + simplified_only


def _in_big5(text: str) -> bool:
    try:
        text.encode("big5hkscs")
    except UnicodeEncodeError:
        return False
    return True


def choose_language(names, lang: str, given: bool) -> tuple[str, str]:
    """The language a build speaks, and why: ``given`` (geo.toml or --lang), ``default`` (zh) or ``auto``."""
    if given:
        return lang, "given"
    if lang == "zh" and written_in_traditional(names):
        return "zh-Hant", "auto"
    return lang, "default"


@dataclass(frozen=True)
class GapWords:
    """A gap in words: its label and name, where it is, what is missing, who could take it, one sentence."""

    label: str
    name: str
    where: str
    missing: str
    suggested_owner: str
    description: str


def _base(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; one of {', '.join(LANGUAGES)}")
    return "en" if lang == "en" else "zh"


def _hant(lang: str, text: str) -> str:
    """Our own words in Traditional characters for zh-Hant (data is never converted)."""
    return s2t().convert(text) if lang == "zh-Hant" and text else text


def kind_label(kind: str, lang: str = "zh") -> str:
    """A gap kind's name, e.g. 路段空白 / Section gap; a registered check's own label; else the kind."""
    base = _base(lang)
    label = _KINDS[base].get(kind)
    if label is None:
        check = check_of(kind)
        label = (check.labels.get(base) or check.labels.get("zh") or kind) if check else kind
    return _hant(lang, label)


def level_label(level: str, lang: str = "zh") -> str:
    """A leader level in words: 区级 / district."""
    return _hant(lang, _LEVELS[_base(lang)].get(level, level))


def _m(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def _join(lang: str, items) -> str:
    return ("、" if _base(lang) == "zh" else ", ").join(str(i) for i in items if i)


def gap_words(gap: Gap, lang: str = "zh", leader_name: Callable[[str], str] = str) -> GapWords:
    """Word one gap in `lang`; `leader_name` turns a leader id into the name shown."""
    base = _base(lang)
    label = kind_label(gap.kind, lang)
    owners = _join(lang, [leader_name(i) for i in gap.owners])
    holders = _join(lang, [leader_name(i) for i in gap.leaders])
    wording = _WORDING.get(gap.kind)
    if wording is None:
        check = check_of(gap.kind)
        if check is not None and check.words is not None:
            return check.words(gap, lang, leader_name)
        return GapWords(
            label, gap.name, "", "", owners, f"{label}：{gap.name}" if base == "zh" else f"{label}: {gap.name}"
        )
    where, missing, suggested, description, name = wording(gap, base, owners, holders, lambda t: _hant(lang, t))
    return GapWords(label, name, where, missing, suggested, description)


# ----------------------------------------------------------------------------- one function per kind
# Each returns (where, missing, suggested_owner, description, name) in "zh" or "en"; `t` turns our own
# Chinese words (never the data's names) into Traditional characters for zh-Hant.
def _section_ends(gap: Gap, base: str, t) -> str:
    a, b = gap.ends
    if a and a == b:  # one street crossing twice: not "丙街 至 丙街"
        return f"（{a} {t('的两处路口之间')}）" if base == "zh" else f" (between the two crossings of {a})"
    if not (a or b):
        return ""
    if base == "zh":
        return f"（{a or t('起点')} {t('至')} {b or t('终点')}）"
    return f" ({a or 'start'} to {b or 'end'})"


def _section_gap(gap: Gap, base, owners, holders, t):
    span, ends, length = f"{_m(gap.start_m)}–{_m(gap.end_m)}", _section_ends(gap, base, t), _m(gap.length_m)
    if base == "zh":
        return (
            f"{span} m{ends}",
            t("路段责任人"),
            owners,
            f"{gap.name} {span} {t('米')}{ends}{t('无路段责任人，长')} {length} {t('米')}",
            gap.name,
        )
    return (
        f"{span} m{ends}",
        "a section leader",
        owners,
        f"{gap.name} {span} m{ends}: no section leader, {length} m long",
        gap.name,
    )


def _section_overlap(gap: Gap, base, owners, holders, t):
    span = f"{_m(gap.start_m)}–{_m(gap.end_m)}"
    length = _m((gap.end_m or 0) - (gap.start_m or 0))
    if base == "zh":
        return (
            f"{span} m",
            t("唯一责任人"),
            holders,
            f"{gap.name} {span} {t('米由')} {holders} {t('重复负责，长')} {length} {t('米，请明确一人')}",
            gap.name,
        )
    return (
        f"{span} m",
        "a single leader",
        holders,
        f"{gap.name} {span} m is held by both {holders}, {length} m long: name one",
        gap.name,
    )


def _unmanaged(gap: Gap, base, owners, holders, t):
    length = _m(gap.length_m)
    if base == "zh":
        name = gap.name or f"{t('无名道路')}（{gap.target}）"
        return (
            t("不在任何有责任人的社区内"),
            t("道路或社区责任人"),
            "",
            f"{name} {t('有')} {length} {t('米无包路领导，且不在任何有责任人的社区内')}",
            name,
        )
    name = gap.name or f"Unnamed road ({gap.target})"
    return (
        "in no community with a leader",
        "a road or community leader",
        "",
        f"{name}: {length} m with no road leader, in no community with a leader",
        name,
    )


def _territory_gap(gap: Gap, base, owners, holders, t):
    near = _join(base, gap.neighbours)
    area = _m(gap.area_m2)
    if base == "zh":
        return (
            f"{t('邻近')} {near}" if near else "",
            t("所属社区"),
            near,
            f"{t('辖区内有')} {area} {t('平方米不属于任何社区')}" + (f"（{t('邻近')} {near}）" if near else ""),
            t("辖区空白"),
        )
    return (
        f"next to {near}" if near else "",
        "a community",
        near,
        f"{area} m² of the district belong to no community" + (f" (next to {near})" if near else ""),
        "Territory gap",
    )


def _territory_overlap(gap: Gap, base, owners, holders, t):
    a, b = (gap.neighbours + ("", ""))[:2]
    both, area = _join(base, gap.neighbours), _m(gap.area_m2)
    if base == "zh":
        return ("", t("唯一所属社区"), both, f"{a} {t('与')} {b} {t('重叠')} {area} {t('平方米')}", both)
    return ("", "a single community", both, f"{a} and {b} overlap by {area} m²", both)


def _community_no_leader(gap: Gap, base, owners, holders, t):
    if base == "zh":
        return ("", t("包社区责任人"), owners, f"{gap.name}（{gap.target}）{t('无包保责任人')}", gap.name)
    return ("", "a community leader", owners, f"{gap.name} ({gap.target}) has no leader", gap.name)


def _no_district_leader(gap: Gap, base, owners, holders, t):
    levels = _join(base, [_LEVELS[base].get(v, v) for v in gap.facts.get("levels", ())])
    tier = _TIERS[base].get(gap.facts.get("tier", ""), gap.facts.get("tier", ""))
    if base == "zh":
        return (
            t(f"现有责任人级别：{levels}"),
            t("区级包保领导"),
            "",
            f"{gap.name}（{t(tier + '社区')}）{t('无区领导包保，现有责任人：')}{holders}",
            gap.name,
        )
    return (
        f"current leaders' levels: {levels}",
        "a district leader",
        "",
        f"{gap.name} ({tier} community) has no district leader; current leaders: {holders}",
        gap.name,
    )


def _community_no_status(gap: Gap, base, owners, holders, t):
    if base == "zh":
        return ("", t("整改进度"), holders, f"{gap.name}（{gap.target}）{t('未报送任何整改事项进度')}", gap.name)
    return ("", "a status report", holders, f"{gap.name} ({gap.target}) reported no status", gap.name)


def _orphan_issue(gap: Gap, base, owners, holders, t):
    inside = gap.facts.get("in_community", False)
    category, reach = gap.facts.get("category", ""), _m(gap.facts.get("reach_m"))
    if base == "zh":
        where = t("所在社区无责任人" if inside else "不在任何社区内")
        return (
            where,
            t("责任人"),
            "",
            f"{t('问题点')} {gap.target}（{category or t('未分类')}）{where}，{reach} {t('米内也无有责任人的道路')}",
            gap.name,
        )
    where = "its community has no leader" if inside else "in no community"
    return (
        where,
        "a leader",
        "",
        f"Issue {gap.target} ({category or 'no category'}): {where}, and no road with a leader within {reach} m",
        gap.name,
    )


_WORDING = {
    "section_gap": _section_gap,
    "section_overlap": _section_overlap,
    "unmanaged_stretch": _unmanaged,
    "territory_gap": _territory_gap,
    "territory_overlap": _territory_overlap,
    "community_no_leader": _community_no_leader,
    "no_district_leader": _no_district_leader,
    "community_no_status": _community_no_status,
    "orphan_issue": _orphan_issue,
}


# ----------------------------------------------------------------------------- a placed section
# `geo.resolve` places each end of a road or section assignment and says how with a code (``how_from``,
# ``how_to``) and numbers (``off_from_m``, ``off_to_m``, ``start_m``, ``end_m``); the words are the catalogue's.
NEAR_CROSSING, TWO_CROSSINGS = "near_crossing", "two_crossings"  # the codes whose words hold numbers
_HOW = {
    "crossing": "section.how.crossing",
    "near_crossing": "section.how.near_crossing",
    "metres": "section.how.metres",
    "whole_road": "section.how.whole_road",
    "two_crossings": "section.how.two_crossings",
}


def section_label(start: str, end: str, start_m: float, end_m: float, lang: str = "zh") -> str:
    """How a stretch between two places reads: ``甲街 至 乙街`` / ``A to B``.

    When both ends are the same street (it crosses the road twice), it says
    so plainly with the two chainages: ``丙街（两处路口，120 米与 860 米）``,
    ``7th Street (two crossings, at 120 m and 860 m)``. In zh-Hant our words
    are in Traditional characters, the streets' names as written.

    Parameters
    ----------
    start, end
        What the stretch begins and ends at, as the user wrote it (a cross
        street or a distance).
    start_m, end_m
        The chainages (m) of the two ends.
    lang
        ``zh``, ``en`` or ``zh-Hant``.
    """
    # the catalogue's templates filled with str.format: called for every section a map or report shows
    if start == end and start:
        low, high = sorted((start_m, end_m))
        return template("section.same_street", lang).format(street=start, low=low, high=high)
    return template("section.between", lang).format(start=start, end=end)


def how_words(placed: Mapping[str, Any], lang: str = "zh") -> str:
    """How a road or section was placed: 路口 / crossing, 近路口（相距 3.2 米） / near a crossing (3.2 m off) …

    `placed` is a row of `geo.resolve.Resolved.coverage` (its ``how_from``,
    ``how_to``, ``off_from_m``, ``off_to_m``, ``start_m`` and ``end_m``).
    The two ends are said once when they read alike (``路口``), else both
    (``米数 / 路口``); a street to itself by its two crossings
    (``两处路口（120 米与 860 米）``), a road by ``全路``.
    """
    return _how(
        placed["how_from"],
        placed["how_to"],
        placed["off_from_m"],
        placed["off_to_m"],
        placed["start_m"],
        placed["end_m"],
        lang,
    )


def _how(how_from: str, how_to: str, off_from, off_to, start_m, end_m, lang: str) -> str:
    """`how_words` from the columns' values: only the numbers the words say reach the cache."""
    low, high = sorted((float(start_m), float(end_m)))
    if TWO_CROSSINGS not in (how_from, how_to):
        low = high = 0.0  # the words do not say them: one cached phrase for every section placed alike
    off_from = float(off_from) if how_from == NEAR_CROSSING else 0.0
    off_to = float(off_to) if how_to == NEAR_CROSSING else 0.0
    return _how_words(how_from, how_to, off_from, off_to, low, high, lang)


@functools.lru_cache(maxsize=4096)
def _how_words(how_from: str, how_to: str, off_from: float, off_to: float, low: float, high: float, lang: str) -> str:
    first, last = (_end_words(how, off, low, high).text(lang) for how, off in ((how_from, off_from), (how_to, off_to)))
    return first if first == last else msg("section.how.ends", start=first, end=last).text(lang)


def _end_words(how: str, off_m: float, low_m: float, high_m: float) -> Msg:
    """One end's `how` as a message: how far off for a near crossing, both chainages for a street to itself."""
    if how == NEAR_CROSSING:
        return msg(_HOW[how], off=off_m)
    if how == TWO_CROSSINGS:
        return msg(_HOW[how], low=low_m, high=high_m)
    return msg(_HOW[how])


def section_words(coverage, lang: str = "zh"):
    """`coverage` (`geo.resolve.Resolved.coverage`) with each placement in words, in `lang`.

    Two columns are added: ``label``, its ends (`section_label`; a road: ``全路`` / ``whole road``),
    and ``how``, how they were found (`how_words`). The frame's other columns are as they were.
    """
    columns = ("kind", "from", "to", "start_m", "end_m", "how_from", "how_to", "off_from_m", "off_to_m")
    kind, start, end, start_m, end_m, how_from, how_to, off_from, off_to = (
        coverage[c].to_numpy(dtype=object) for c in columns
    )
    whole = template("section.how.whole_road", lang)
    return coverage.assign(
        label=[
            whole if k == "road" else section_label(a, b, s, e, lang)
            for k, a, b, s, e in zip(kind, start, end, start_m, end_m)
        ],
        how=[
            _how(hf, ht, of, ot, s, e, lang)
            for hf, ht, of, ot, s, e in zip(how_from, how_to, off_from, off_to, start_m, end_m)
        ],
    )


def summary_lines(figures: Summary, lang: str = "zh") -> list[str]:
    """The headline figures (``summary.json``) as the terminal prints them, in `lang`.

    Only figures and our words: no data, so zh-Hant converts the whole line.
    """
    base = _base(lang)
    c, r, g, i = figures["communities"], figures["roads"], figures["gaps"], figures["issues"]
    t = c["by_tier"]
    kinds = [(kind_label(k, lang), n) for k, n in g["by_kind"].items() if n]
    out = figures.get("outside", {})
    outside = {key: out.get(key, 0) for key in ("road_m", "road_pieces", "issues", "communities")}
    if base == "zh":
        lines = [
            f"社区 {c['total']} 个：示范 {t['demonstration']}、重点 {t['key']}、一般 {t['general']}；"
            f"有责任人 {c['with_leader']}，有市直部门工作队 {c['with_work_team']}",
            f"道路 {r['named']} 条（另有无名路段 {r['unnamed_pieces']} 段）：市领导包保 {r['city_leader_roads']} 条，"
            f"区领导包保路段 {r['district_sections']} 段",
            f"责任人 {figures['leaders']['total']} 名；问题点 {i['total']} 个，未整改 {i['by_state']['open']} 个",
            f"空白点 {g['total']} 处：" + ("、".join(f"{label} {n}" for label, n in kinds) or "无"),
        ]
        if r["coverage_pct"] is not None:
            lines.insert(
                2,
                f"有包保责任的道路 {r['with_assignment']} 条，覆盖 {r['coverage_pct']:.2f}%"
                f"（路段空白 {g['section_gap_m']:,.0f} 米，无人管路段 {g['unmanaged_m']:,.0f} 米）",
            )
        parts = [
            f"{label} {outside[key]:,.0f} {unit}"
            for key, label, unit in (
                ("road_m", "道路", "米"),
                ("road_pieces", "其中整段在外的路段", "段"),
                ("issues", "问题点", "个"),
                ("communities", "社区", "个"),
            )
            if outside[key] >= (0.5 if key == "road_m" else 1)
        ]
        if parts:
            edge = "边界" if out["scope"] == "boundary" else "社区范围"
            lines.append(f"辖区外（{edge}外 {out['margin_m']:g} 米以上）未计入任何数字：" + "、".join(parts))
        lines.append(
            f"截至 {figures['as_of']}：逾期问题点 {i['overdue']} 个，逾期整改事项 {figures['status']['overdue']} 项"
        )
        if figures.get("language", {}).get("chosen") == "auto":
            lines.append('名称均为繁体字，地图与报表用繁体中文（如需简体，请在 geo.toml 写 [map] lang = "zh"）')
        return [_hant(lang, line) for line in lines]
    lines = [
        f"Communities {c['total']}: demonstration {t['demonstration']}, key {t['key']}, general {t['general']}; "
        f"with a leader {c['with_leader']}, with a department work team {c['with_work_team']}",
        f"Roads {r['named']} (and {r['unnamed_pieces']} unnamed pieces): city leaders' roads {r['city_leader_roads']}, "
        f"district leaders' sections {r['district_sections']}",
        f"Leaders {figures['leaders']['total']}; issues {i['total']}, open {i['by_state']['open']}",
        f"Gaps {g['total']}: " + (", ".join(f"{label} {n}" for label, n in kinds) or "none"),
    ]
    if r["coverage_pct"] is not None:
        lines.insert(
            2,
            f"Roads with a leader {r['with_assignment']}, covered {r['coverage_pct']:.2f}% "
            f"(section gaps {g['section_gap_m']:,.0f} m, unmanaged {g['unmanaged_m']:,.0f} m)",
        )
    parts = [
        f"{label} {outside[key]:,.0f}{unit}"
        for key, label, unit in (
            ("road_m", "roads", " m"),
            ("road_pieces", "of which whole pieces", ""),
            ("issues", "issues", ""),
            ("communities", "communities", ""),
        )
        if outside[key] >= (0.5 if key == "road_m" else 1)
    ]
    if parts:
        edge = "boundary" if out["scope"] == "boundary" else "communities' outline"
        lines.append(
            f"Outside the district (over {out['margin_m']:g} m beyond the {edge}), in no figure: " + ", ".join(parts)
        )
    lines.append(
        f"As of {figures['as_of']}: overdue issues {i['overdue']}, overdue status items {figures['status']['overdue']}"
    )
    if figures.get("language", {}).get("chosen") == "auto":
        lines.append("Every name is in Traditional characters: maps and reports in Traditional Chinese")
    return lines
